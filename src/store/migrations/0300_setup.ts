import type { FacteurMigration } from "../migration-kit.js";

/** Tables of client setup (mail domains, account profiles). */
export const migration: FacteurMigration = {
  async up() {
    // Reserved for the capability; empty until it needs tables.
  },
};
