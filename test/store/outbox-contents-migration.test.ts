import { migrateOnly, openEmptyStore } from "../helpers/migrations.js";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/store/migrate.js";
import { STORE_KINDS } from "../helpers/context.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe.each(STORE_KINDS)("migration 0201_outbox_contents on %s", (kind) => {
  it("moves the bodies of messages queued before the upgrade, and counts their attachments", async () => {
    const store = await openEmptyStore(kind, cleanups);
    // The database as the previous release left it: every migration up to 0201.
    await migrateOnly(store, (name) => name < "0201");
    const now = "2026-11-23T10:00:00.000Z";
    const attachments = JSON.stringify([
      { filename: "a.pdf", contentType: "application/pdf", content: "JVBERg==" },
      { filename: "b.txt", contentType: "text/plain", content: "eA==" },
    ]);
    for (const [text, html, files] of [
      ["Bonjour é", "<p>Bonjour</p>", attachments],
      ["Sans pièce jointe", null, null],
    ] as const) {
      await sql`insert into outbox_messages (status, due_at, to_json, cc_json, bcc_json, subject, text_body,
        html_body, attachments_json, size_bytes, recipients_search, attempt_count, created_at, updated_at)
        values ('queued', ${now}, '[]', '[]', '[]', 'Facture', ${text}, ${html}, ${files}, 10, 'a@exemple.fr', 0,
        ${now}, ${now})`.execute(store.db);
    }

    expect(await migrateToLatest(store)).toContain("0201_outbox_contents");

    const rows = await store.db
      .selectFrom("outbox_messages")
      .innerJoin("outbox_contents", "outbox_contents.message_id", "outbox_messages.id")
      .select(["id", "attachment_count", "text_body", "html_body", "attachments_json"])
      .orderBy("id")
      .execute();
    expect(rows.map(({ id: _id, ...rest }) => rest)).toEqual([
      {
        attachment_count: 2,
        text_body: "Bonjour é",
        html_body: "<p>Bonjour</p>",
        attachments_json: attachments,
      },
      { attachment_count: 0, text_body: "Sans pièce jointe", html_body: null, attachments_json: null },
    ]);
    const columns = Object.keys(
      (await sql<Record<string, unknown>>`select * from outbox_messages`.execute(store.db)).rows[0]!,
    );
    expect(columns).not.toContain("text_body");
    expect(columns).toContain("attachment_count");
    // Deleting a message deletes its bodies.
    await store.db.deleteFrom("outbox_messages").execute();
    expect(await store.db.selectFrom("outbox_contents").selectAll().execute()).toEqual([]);
  });
});
