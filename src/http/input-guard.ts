import type { FieldIssue } from "../domain/errors.js";
import { TEXT_FIELD_TEXT } from "../domain/text.js";

/**
 * NUL at the HTTP edge, for every route whatever its schema says: PostgreSQL `text` cannot hold U+0000 (the
 * query fails: a 500), SQLite stores it and a spreadsheet or C parser later cuts the text there. Every string
 * of the parsed query, path parameters and JSON body (keys included, at any depth) is checked before
 * validation; the domain schemas refuse it too (`singleLine`/`multiLine`), for the CLI and the UI.
 */
export function nulCharacterIssues(values: unknown, context: string | null): FieldIssue[] {
  if (values === null || values === undefined) return [];
  const issues: FieldIssue[] = [];
  const prefix = context === null ? [] : [context];
  // Iterative: a JSON body may nest deeper than the call stack.
  const stack: Array<{ value: unknown; path: string[] }> = [{ value: values, path: prefix }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      if (value.includes("\u0000")) issues.push(nulIssue(path));
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push({ value: item, path: [...path, String(index)] }));
    } else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (key.includes("\u0000")) issues.push(nulIssue([...path, key]));
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return issues;
}

function nulIssue(path: string[]): FieldIssue {
  return { path: path.join("."), code: "NUL_CHARACTER", ...TEXT_FIELD_TEXT.NUL_CHARACTER };
}
