import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import type { messagePageSchema } from "../../../src/http/responses.js";
import type { MessageView, messageDetailSchema } from "../../../src/sending/message-view.service.js";
import { MESSAGE_STATUSES, type MessageStatus } from "../../../src/sending/outbox.table.js";
import { api } from "./client.js";

export { MESSAGE_STATUSES, type MessageStatus, type MessageView };
/** `GET /api/v1/messages` and `GET /api/v1/messages/:id` answers, as the routes declare them. */
export type MessagePage = z.infer<typeof messagePageSchema>;
export type MessageDetail = z.infer<typeof messageDetailSchema>;

export interface MessageListQuery {
  recipient: string;
  status: MessageStatus | null;
  page: number;
  pageSize: number;
}

export const messagesKey = ["messages"] as const;

export function fetchMessagePage(query: MessageListQuery, signal?: AbortSignal): Promise<MessagePage> {
  const params = new URLSearchParams({ page: String(query.page), pageSize: String(query.pageSize) });
  if (query.recipient.trim()) params.set("recipient", query.recipient.trim());
  if (query.status) params.set("status", query.status);
  return api<MessagePage>("GET", `/messages?${params.toString()}`, { signal });
}

export function fetchMessage(id: number): Promise<MessageDetail> {
  return api<MessageDetail>("GET", `/messages/${id}`);
}

/** One page of the sending queue; the previous page stays on screen while the next one loads. */
export function useMessagePage(query: MessageListQuery) {
  return useQuery({
    queryKey: [...messagesKey, query.recipient, query.status, query.page],
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => fetchMessagePage(query, signal),
  });
}

export function useMessage(id: number) {
  return useQuery({ queryKey: [...messagesKey, "one", id], queryFn: () => fetchMessage(id) });
}
