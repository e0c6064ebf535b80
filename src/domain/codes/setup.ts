import type { ErrorDefinition } from "../error-definition.js";

/** Errors of the setup capability. */
export const setupErrors = {} as const satisfies Record<string, ErrorDefinition>;
