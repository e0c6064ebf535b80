import { countServersByState } from "../registry/server.repository.js";
import type { AppContext } from "./context.js";

/**
 * A tiny Prometheus text-format registry. Gauges are computed on scrape from the database (so every
 * instance reports the same queue depth); counters live in the process (requests, sends by this worker).
 * Capabilities register their own gauges at import time with `registerGauge`.
 */
export interface Sample {
  labels?: Record<string, string>;
  value: number;
}

interface Gauge {
  name: string;
  help: string;
  collect(ctx: AppContext): Promise<Sample[]>;
}

const gauges: Gauge[] = [];
const counters = new Map<string, { help: string; values: Map<string, number> }>();

export function registerGauge(
  name: string,
  help: string,
  collect: (ctx: AppContext) => Promise<Sample[]>,
): void {
  if (!gauges.some((g) => g.name === name)) gauges.push({ name, help, collect });
}

function labelKey(labels: Record<string, string> = {}): string {
  const entries = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)); // hot path: no locale compare
  return entries
    .map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
    .join(",");
}

export function incrementCounter(
  name: string,
  help: string,
  labels: Record<string, string> = {},
  by = 1,
): void {
  const counter = counters.get(name) ?? { help, values: new Map<string, number>() };
  counters.set(name, counter);
  const key = labelKey(labels);
  counter.values.set(key, (counter.values.get(key) ?? 0) + by);
}

function line(name: string, key: string, value: number): string {
  return key ? `${name}{${key}} ${value}` : `${name} ${value}`;
}

/** Renders every metric in the Prometheus text exposition format 0.0.4. */
export async function renderMetrics(ctx: AppContext): Promise<string> {
  const out: string[] = [];
  for (const gauge of gauges) {
    out.push(`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`);
    try {
      for (const sample of await gauge.collect(ctx))
        out.push(line(gauge.name, labelKey(sample.labels), sample.value));
    } catch (error) {
      ctx.logger.warn({ err: error, gauge: gauge.name }, "metric collection failed");
    }
  }
  for (const [name, counter] of counters) {
    out.push(`# HELP ${name} ${counter.help}`, `# TYPE ${name} counter`);
    for (const [key, value] of counter.values) out.push(line(name, key, value));
  }
  return `${out.join("\n")}\n`;
}

registerGauge("facteur_smtp_servers", "SMTP servers in the registry by confirmation state", async (ctx) => {
  const { total, confirmed, lastTestFailed } = await countServersByState(ctx.db);
  return [
    { labels: { state: "confirmed" }, value: confirmed },
    { labels: { state: "unconfirmed" }, value: total - confirmed },
    { labels: { state: "last_test_failed" }, value: lastTestFailed },
  ];
});
