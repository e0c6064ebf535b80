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
  // Iterative, and paths built only for an issue: a JSON body may nest deeper than the call stack, and
  // copying the path at each level would cost depth² on `[[[[…]]]]`.
  type Node = { value: unknown; key: string | null; parent: Node | null };
  const pathOf = (node: Node, key?: string): string[] => {
    const path = key === undefined ? [] : [key];
    for (let n: Node | null = node; n; n = n.parent) if (n.key !== null) path.unshift(n.key);
    return path;
  };
  const stack: Node[] = [{ value: values, key: context, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { value } = node;
    if (typeof value === "string") {
      if (value.includes("\u0000")) issues.push(nulIssue(pathOf(node)));
    } else if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++)
        stack.push({ value: value[index], key: String(index), parent: node });
    } else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (key.includes("\u0000")) issues.push(nulIssue(pathOf(node, key)));
        stack.push({ value: item, key, parent: node });
      }
    }
  }
  return issues;
}

function nulIssue(path: string[]): FieldIssue {
  return { path: path.join("."), code: "NUL_CHARACTER", ...TEXT_FIELD_TEXT.NUL_CHARACTER };
}
