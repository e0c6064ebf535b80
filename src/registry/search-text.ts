/** Lower-case, accent-free form used for search and uniqueness ("Électricité" → "electricite"). */
export function foldForSearch(value: string): string {
  return value.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Escapes LIKE wildcards so a search for "50%" looks for the characters, not a pattern. */
export function likeContains(term: string): string {
  return `%${foldForSearch(term).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
