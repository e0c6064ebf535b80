import type { z } from "zod";
import type { preferenceSchema } from "../../../src/http/responses.js";
import { api } from "./client.js";

/** A per-admin UI preference as stored on the server (`null` when never set). */
export type Preference = z.infer<typeof preferenceSchema>;

export function fetchPreference(key: string): Promise<Preference> {
  return api<Preference>("GET", `/preferences/${key}`);
}

export function savePreference(key: string, value: unknown): Promise<Preference> {
  return api<Preference>("PUT", `/preferences/${key}`, { body: { value } });
}

export function deletePreference(key: string): Promise<void> {
  return api<void>("DELETE", `/preferences/${key}`);
}
