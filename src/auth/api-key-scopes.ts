import { z } from "zod";
import { parseOrThrow } from "../domain/validation.js";

/**
 * What an API key may do, chosen when it is created:
 * - `send`: queue messages and follow them (the sending API and message status);
 * - `read`: read the registry without secrets (servers, departments, domains, guides, exports, last results);
 * - `admin`: everything an admin session can do through the API, including managing API keys.
 * An admin session holds every scope. New keys get `send` unless told otherwise.
 */
export const API_KEY_SCOPES = ["send", "read", "admin"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const DEFAULT_API_KEY_SCOPES: readonly ApiKeyScope[] = ["send"];

/** One to three distinct scopes; the API body and the CLI both go through it. */
export const apiKeyScopesSchema = z
  .array(z.enum(API_KEY_SCOPES))
  .min(1)
  .max(API_KEY_SCOPES.length)
  .refine((scopes) => new Set(scopes).size === scopes.length, { message: "Duplicate scope" });

/** Stored as a comma-separated list in canonical order ("send,read"); unknown words are dropped. */
export function formatScopes(scopes: readonly ApiKeyScope[]): string {
  return API_KEY_SCOPES.filter((scope) => scopes.includes(scope)).join(",");
}

export function parseScopes(stored: string | null | undefined): ApiKeyScope[] {
  const words = (stored ?? "").split(",").map((word) => word.trim());
  return API_KEY_SCOPES.filter((scope) => words.includes(scope));
}

/** `--scope send,read` on the command line. */
export function scopesFromList(list: string): ApiKeyScope[] {
  return parseOrThrow(
    apiKeyScopesSchema,
    list
      .split(",")
      .map((word) => word.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** Whether a key holding `scopes` satisfies a route that requires `required` (`admin` covers everything). */
export function scopesAllow(scopes: readonly ApiKeyScope[], required: ApiKeyScope): boolean {
  return scopes.includes("admin") || scopes.includes(required);
}
