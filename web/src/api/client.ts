import { currentLang, type Lang } from "../i18n.js";

/** One field problem as the API returns it (`error.details[]`), in both languages. */
export interface FieldIssue {
  path: string;
  code: string;
  fr: string;
  en: string;
}

/** An API error in words: the server's FR/EN message, its stable code and per-field details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messages: { fr: string; en: string },
    readonly details: FieldIssue[] = [],
  ) {
    super(messages.en);
    this.name = "ApiError";
  }

  /** The message in a UI language. */
  text(lang: Lang = currentLang()): string {
    return this.messages[lang];
  }
}

const NETWORK_MESSAGES = {
  fr: "Le serveur Facteur ne répond pas. Vérifiez votre connexion puis réessayez.",
  en: "The Facteur server does not answer. Check your connection and try again.",
};

let csrfToken: string | undefined;
let onUnauthenticated: (() => void) | undefined;

/** Every non-GET request carries the session's CSRF token (the cookie alone is not enough). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when the API answers 401 on a private route (session expired): the app shows the login page. */
export function setUnauthenticatedHandler(handler: (() => void) | undefined): void {
  onUnauthenticated = handler;
}

/** Turns any thrown value into words for the UI language. */
export function errorText(error: unknown, lang: Lang = currentLang()): string {
  if (error instanceof ApiError) return error.text(lang);
  if (error instanceof Error) return error.message;
  return String(error);
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Do not redirect to the login page on 401 (login and session probes). */
  allowUnauthenticated?: boolean;
}

/** JSON fetch against /api/v1 with the session cookie, CSRF header and error translation. */
export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: "same-origin",
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, "NETWORK", NETWORK_MESSAGES);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json = text ? (safeJson(text) as unknown) : undefined;
  if (response.ok) return json as T;
  const body = (json as { error?: Partial<ApiErrorShape> } | undefined)?.error;
  const error = new ApiError(
    response.status,
    body?.code ?? `HTTP_${response.status}`,
    body?.messages ?? {
      fr: `Erreur inattendue (code HTTP ${response.status}).`,
      en: `Unexpected error (HTTP status ${response.status}).`,
    },
    body?.details ?? [],
  );
  if (response.status === 401 && !options.allowUnauthenticated) onUnauthenticated?.();
  throw error;
}

interface ApiErrorShape {
  code: string;
  messages: { fr: string; en: string };
  details: FieldIssue[];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
