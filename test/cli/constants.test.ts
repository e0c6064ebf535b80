import { describe, expect, it } from "vitest";
import { CLIENT_IDS as GUIDE_IDS } from "../../src/clients/guides/guide.js";
import { CLIENT_IDS, CSV_SEPARATORS, EXPORT_FORMATS, ID_MAX } from "../../src/cli/constants.js";
import { ID_MAX as DOMAIN_ID_MAX } from "../../src/domain/id.js";
import {
  CSV_SEPARATORS as EXPORT_SEPARATORS,
  EXPORT_FORMATS as FORMATS,
} from "../../src/export/export-query.js";

/**
 * The command declarations use copies of a few domain values so that `facteur --help` loads no schema
 * (src/cli/constants.ts). The compiler checks most of them through their types; this checks them all.
 */
describe("CLI constants", () => {
  it("are the values of the modules they stand for", () => {
    expect(ID_MAX).toBe(DOMAIN_ID_MAX);
    expect(EXPORT_FORMATS).toEqual(FORMATS);
    expect(CSV_SEPARATORS).toEqual(EXPORT_SEPARATORS);
    expect(CLIENT_IDS).toEqual(GUIDE_IDS);
  });
});
