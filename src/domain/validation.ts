import type { z } from "zod";
import { FacteurError } from "./errors.js";
import { zodIssuesToFieldIssues } from "./field-issues.js";

/** Parses with a shared schema; on failure throws VALIDATION_FAILED with FR/EN field details. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new FacteurError("VALIDATION_FAILED", { details: zodIssuesToFieldIssues(result.error.issues) });
  }
  return result.data;
}
