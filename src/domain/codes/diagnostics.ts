import type { ErrorDefinition } from "../error-definition.js";

/** Errors of the diagnostics capability. */
export const diagnosticsErrors = {} as const satisfies Record<string, ErrorDefinition>;
