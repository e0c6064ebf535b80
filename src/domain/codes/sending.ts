import type { ErrorDefinition } from "../error-definition.js";

/** Errors of the sending capability. */
export const sendingErrors = {} as const satisfies Record<string, ErrorDefinition>;
