/** A problem with one configuration key: its path in Config (`targets.perMinute`) and what is wrong. */
export interface ConfigIssue {
  path: readonly PropertyKey[];
  message: string;
}

/** The one error an invalid configuration throws (every loader: src/config/config.ts, ./targets.ts). */
export function invalidConfiguration(issues: readonly ConfigIssue[]): Error {
  const lines = issues.map((i) => `  - ${i.path.map(String).join(".")}: ${i.message}`).join("\n");
  return new Error(`Configuration invalide / invalid configuration:\n${lines}`);
}
