import type { FacteurMigration } from "../migration-kit.js";
import { migration as registry } from "./0001_registry.js";
import { migration as registrySearch } from "./0002_registry_search.js";
import { migration as diagnostics } from "./0100_diagnostics.js";
import { migration as sending } from "./0200_sending.js";
import { migration as outboxContents } from "./0201_outbox_contents.js";
import { migration as outboxClaimIndex } from "./0202_outbox_claim_index.js";
import { migration as setup } from "./0300_setup.js";
import { migration as apiKeyScopes } from "./0400_api_key_scopes.js";
import { migration as secretBinding } from "./0401_secret_binding.js";
import { migration as authHardening } from "./0402_auth_hardening.js";
import { migration as outboxApiKey } from "./0403_outbox_api_key.js";
import { migration as firstRunTokens } from "./0404_first_run_tokens.js";

/**
 * Every migration, in order. Names are permanent once released: add new files (e.g. `0201_…`),
 * never edit one that has shipped.
 */
export const MIGRATIONS: Record<string, FacteurMigration> = {
  "0001_registry": registry,
  "0002_registry_search": registrySearch,
  "0100_diagnostics": diagnostics,
  "0200_sending": sending,
  "0201_outbox_contents": outboxContents,
  "0202_outbox_claim_index": outboxClaimIndex,
  "0300_setup": setup,
  "0400_api_key_scopes": apiKeyScopes,
  "0401_secret_binding": secretBinding,
  "0402_auth_hardening": authHardening,
  "0403_outbox_api_key": outboxApiKey,
  "0404_first_run_tokens": firstRunTokens,
};
