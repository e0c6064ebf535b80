import type { FacteurMigration } from "../migration-kit.js";

/** Tables of diagnostics (last results, history). */
export const migration: FacteurMigration = {
  async up() {
    // Reserved for the capability; empty until it needs tables.
  },
};
