import { sql, type FacteurMigration } from "../migration-kit.js";

/**
 * The claim reads the oldest due messages among queued and claimed ones. With the (status, due_at) index an
 * IN over two statuses cannot come out in due_at order, so both databases read and sorted every waiting message
 * on each claim (17 ms for 50,000 on PostgreSQL, growing with the backlog). A partial index on due_at over live
 * messages only gives them in order: a claim reads about as many entries as it takes, and sent or failed
 * messages never weigh on it. The WHERE must stay written exactly as in the claim query (SQLite matches the
 * terms literally).
 */
export const migration: FacteurMigration = {
  async up(ctx) {
    await sql`create index outbox_messages_claim_idx on outbox_messages (due_at)
      where status in ('queued', 'sending')`.execute(ctx.db);
  },
};
