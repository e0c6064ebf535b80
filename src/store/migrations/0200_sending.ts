import type { FacteurMigration } from "../migration-kit.js";

/** Tables of sending (outbox, attempts) and confirmation tokens. */
export const migration: FacteurMigration = {
  async up() {
    // Reserved for the capability; empty until it needs tables.
  },
};
