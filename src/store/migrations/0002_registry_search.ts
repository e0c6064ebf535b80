import { sql } from "kysely";
import type { FacteurMigration } from "../migration-kit.js";

/**
 * Trigram index for the servers search (`search_text LIKE '%term%'`), measured in docs/BENCHMARKS.md:
 * without it every search reads all rows twice (count + page).
 * - SQLite: an FTS5 external-content table with the trigram tokenizer, kept in sync by triggers.
 * - PostgreSQL: a pg_trgm GIN index; the planner uses it for the same LIKE, no query change.
 *   pg_trgm is a trusted extension (PostgreSQL 13+): any role allowed to create in the database can add it.
 *   It lives in `public` so that every schema of a shared database (tests) finds its operator class.
 */
export const migration: FacteurMigration = {
  async up({ db, dialect }) {
    if (dialect === "postgres") {
      // Without the right to create the extension, search still works (by scanning): warn, don't fail.
      await sql`do $$ begin create extension if not exists pg_trgm with schema public;
        exception when insufficient_privilege then raise notice 'pg_trgm unavailable: server search will scan'; end $$`.execute(
        db,
      );
      await sql`do $$ begin if exists (select 1 from pg_extension where extname = 'pg_trgm') then
        create index smtp_servers_search_trgm_idx on smtp_servers using gin (search_text public.gin_trgm_ops); end if; end $$`.execute(
        db,
      );
      return;
    }
    await sql`create virtual table smtp_servers_fts using fts5(search_text, content='smtp_servers', content_rowid='id', tokenize='trigram')`.execute(
      db,
    );
    await sql`create trigger smtp_servers_fts_insert after insert on smtp_servers begin
      insert into smtp_servers_fts(rowid, search_text) values (new.id, new.search_text);
    end`.execute(db);
    await sql`create trigger smtp_servers_fts_delete after delete on smtp_servers begin
      insert into smtp_servers_fts(smtp_servers_fts, rowid, search_text) values ('delete', old.id, old.search_text);
    end`.execute(db);
    await sql`create trigger smtp_servers_fts_update after update of search_text on smtp_servers begin
      insert into smtp_servers_fts(smtp_servers_fts, rowid, search_text) values ('delete', old.id, old.search_text);
      insert into smtp_servers_fts(rowid, search_text) values (new.id, new.search_text);
    end`.execute(db);
    await sql`insert into smtp_servers_fts(smtp_servers_fts) values ('rebuild')`.execute(db);
  },
};
