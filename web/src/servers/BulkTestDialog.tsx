import { Alert, Group, List, Loader, Modal, Progress, Stack, Text } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorText } from "../api/client.js";
import { bulkEventsUrl, startBulkTest, type BulkProgress, type BulkRun } from "../api/diagnostics.js";
import type { SmtpServerView } from "../api/servers.js";

/**
 * "Tester la page": starts a bulk test of the servers on screen (`POST /api/v1/diagnostics/bulk`) and follows
 * it live through server-sent events (`/events`, resumable: EventSource reconnects with Last-Event-ID).
 */
export function BulkTestDialog(props: { servers: SmtpServerView[]; onClose(): void; onDone(): void }) {
  const { t, i18n } = useTranslation("registry");
  const lang = i18n.language === "en" ? "en" : "fr";
  const [run, setRun] = useState<BulkRun | null>(null);
  const [events, setEvents] = useState<BulkProgress[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [streamLost, setStreamLost] = useState(false);
  const { servers, onDone } = props;

  useEffect(() => {
    let source: EventSource | undefined;
    let closed = false;
    void (async () => {
      try {
        const started = await startBulkTest(servers.map((s) => s.id));
        if (closed) return;
        setRun(started);
        source = new EventSource(bulkEventsUrl(started.id));
        source.addEventListener("progress", (message) => {
          const event = JSON.parse((message as MessageEvent<string>).data) as BulkProgress;
          setEvents((list) => (list.some((e) => e.seq === event.seq) ? list : [...list, event]));
        });
        source.addEventListener("done", (message) => {
          setRun(JSON.parse((message as MessageEvent<string>).data) as BulkRun);
          source?.close();
          onDone();
        });
        source.onerror = () => {
          if (source?.readyState === EventSource.CLOSED) setStreamLost(true);
        };
      } catch (caught) {
        if (!closed) setError(caught);
      }
    })();
    return () => {
      closed = true;
      source?.close();
    };
  }, [servers, onDone]);

  const total = run?.total ?? servers.length;
  const done = run?.status === "done" ? run.done : events.length;
  const ok = run?.status === "done" ? run.ok : events.filter((e) => e.ok).length;
  const failures = events.filter((e) => !e.ok);
  const titleOf = (id: number) => servers.find((s) => s.id === id)?.title ?? `#${id}`;

  return (
    <Modal opened onClose={props.onClose} title={t("servers.bulkTitle")} size="lg">
      <Stack gap="sm" data-testid="bulk-test" data-status={run?.status ?? "starting"}>
        {error !== null ? (
          <Alert color="red" role="alert">
            {errorText(error, lang)}
          </Alert>
        ) : (
          <>
            <Group gap="xs" role="status" aria-live="polite">
              {run?.status !== "done" && <Loader size="xs" aria-hidden />}
              <Text size="sm">
                {run?.status === "done"
                  ? t("servers.bulkDone", { ok, total })
                  : t("servers.bulkProgress", { done, total, ok })}
              </Text>
            </Group>
            <Progress.Root size="lg" aria-label={t("servers.bulkProgress", { done, total, ok })}>
              <Progress.Section value={total ? (ok / total) * 100 : 0} color="teal" />
              <Progress.Section value={total ? ((done - ok) / total) * 100 : 0} color="red" />
            </Progress.Root>
            {streamLost && run?.status !== "done" && (
              <Alert color="yellow" role="status">
                {t("servers.bulkStreamLost")}
              </Alert>
            )}
            {failures.length > 0 && (
              <div>
                <Text size="sm" fw={600}>
                  {t("servers.bulkFailures")}
                </Text>
                <List size="sm">
                  {failures.map((failure) => (
                    <List.Item key={failure.seq}>
                      {titleOf(failure.serverId)} — {failure.code ?? "?"}
                    </List.Item>
                  ))}
                </List>
              </div>
            )}
          </>
        )}
      </Stack>
    </Modal>
  );
}
