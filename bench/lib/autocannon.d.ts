// autocannon ships no types; only what the benchmarks use is declared here.
declare module "autocannon" {
  interface Options {
    url: string;
    method?: "GET" | "POST";
    connections?: number;
    duration?: number;
    body?: string;
    headers?: Record<string, string>;
  }
  interface Histogram {
    average: number;
    p50: number;
    p99: number;
  }
  interface Result {
    requests: Histogram;
    latency: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    "2xx": number;
  }
  export default function autocannon(options: Options): Promise<Result>;
}
