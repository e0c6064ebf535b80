import { api } from "./client.js";

/** A per-admin UI preference as stored on the server (`null` when never set). */
export interface Preference {
  key: string;
  value: unknown;
}

export function fetchPreference(key: string): Promise<Preference> {
  return api<Preference>("GET", `/preferences/${key}`);
}

export function savePreference(key: string, value: unknown): Promise<Preference> {
  return api<Preference>("PUT", `/preferences/${key}`, { body: { value } });
}

export function deletePreference(key: string): Promise<void> {
  return api<void>("DELETE", `/preferences/${key}`);
}
