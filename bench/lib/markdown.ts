import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { arch, cpus, loadavg, platform, release, totalmem } from "node:os";

/** A GitHub-flavoured Markdown table; cells are escaped for `|`. */
export function markdownTable(headers: string[], rows: Array<Array<string | number>>): string {
  const cell = (value: string | number) => String(value).replace(/\|/g, "\\|");
  return [
    `| ${headers.map(cell).join(" | ")} |`,
    `| ${headers.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ].join("\n");
}

const HEADER = `# Benchmarks

Each section is written by its benchmark (\`npm run bench\` runs them all; each section says how to re-run it
alone). Figures depend on the machine: compare ratios to the reference rows of the same run, not absolute
numbers across machines.
`;

/**
 * Replaces the section of one benchmark in a Markdown file (between `<!-- bench:<name> -->` and
 * `<!-- /bench:<name> -->`), appending it when missing and creating the file when needed, so several
 * benchmarks share one document without overwriting each other.
 */
export function writeSection(file: string, name: string, body: string): void {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const section = `${start}\n${body.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, "utf8") : HEADER;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? current.slice(0, from) + section + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

/** One line describing the machine a benchmark ran on. */
export function machineInfo(): string {
  const cpu = cpus();
  return [
    `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}`,
    `${Math.round(totalmem() / 1024 ** 3)} GiB RAM`,
    `${platform()} ${release()} ${arch()}`,
    `Node ${process.version}`,
    // Other work on the machine shows in p95 first: keep the load next to the figures.
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ")} at the start`,
  ].join(", ");
}

/** Milliseconds with a precision that suits the value. */
export function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}
