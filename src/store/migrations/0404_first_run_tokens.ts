import type { FacteurMigration } from "../migration-kit.js";

/**
 * "setup" now names the mail-client capability only (src/clients); the first-run links get a table of their own
 * name. A plain rename on both databases: the links pending at upgrade time stay valid until they expire.
 */
export const migration: FacteurMigration = {
  async up({ db }) {
    await db.schema.alterTable("setup_tokens").renameTo("first_run_tokens").execute();
  },
};
