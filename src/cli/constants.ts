import type { ID_MAX as DOMAIN_ID_MAX } from "../domain/id.js";
import type {
  CSV_SEPARATORS as EXPORT_CSV_SEPARATORS,
  EXPORT_FORMATS as FORMATS,
} from "../export/export-query.js";

/**
 * Values the command declarations need for their parsers and help texts, written here so that declaring the
 * command tree does not load the modules that define them (zod schemas and their dependencies: about 100 ms
 * of `facteur --help`). Each one is typed with the original's type, so the compiler refuses any difference.
 */

/** Largest id, version or page number a command accepts (src/domain/id.ts). */
export const ID_MAX: typeof DOMAIN_ID_MAX = 2_147_483_647;

/** Formats of `servers export` (src/export/export-query.ts). */
export const EXPORT_FORMATS: typeof FORMATS = ["csv", "xlsx", "pdf"];

/** CSV separators of `servers export` (src/export/export-query.ts). */
export const CSV_SEPARATORS: typeof EXPORT_CSV_SEPARATORS = ["comma", "semicolon"];

/** Clients with a guide, in their order (CLIENT_IDS of src/clients/guides/guide.ts; test/cli/constants.test.ts). */
export const CLIENT_IDS: readonly string[] = [
  "outlook",
  "outlook-classic",
  "thunderbird",
  "apple-mail",
  "ios-mail",
  "android",
  "gmail-app",
  "windows-mail",
  "outlook-2007",
  "outlook-2000-xp",
  "outlook-98",
  "outlook-express",
];
