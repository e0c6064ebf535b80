import { Migrator, sql, type Migration, type MigrationProvider } from "kysely";
import type { Keyring } from "../secrets/keyring.js";
import type { Store } from "./db.js";
import { MIGRATIONS } from "./migrations/index.js";

class StaticProvider implements MigrationProvider {
  constructor(
    private readonly store: Store,
    private readonly keyring?: Keyring,
  ) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, migration] of Object.entries(MIGRATIONS)) {
      out[name] = { up: (db) => migration.up({ db, dialect: this.store.dialect, keyring: this.keyring }) };
    }
    return out;
  }
}

/**
 * Brings the schema up to date; safe to run from several processes at once (Kysely takes a lock). The keyring
 * lets migrations re-encrypt stored secrets; without it, one that has secrets to re-encrypt fails.
 */
export async function migrateToLatest(store: Store, options: { keyring?: Keyring } = {}): Promise<string[]> {
  // On PostgreSQL, pin Kysely's bookkeeping tables to the connection's schema: otherwise its existence check
  // sees `kysely_migration_lock` in any schema of the database and skips creating it in ours.
  const schema =
    store.dialect === "postgres"
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: store.db,
    provider: new StaticProvider(store, options.keyring),
    // Capabilities number their migrations in their own ranges (0001…, 0100…, 0200…): a later registry
    // migration (0002) must still apply on a database that already ran 0100–0300.
    allowUnorderedMigrations: true,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
