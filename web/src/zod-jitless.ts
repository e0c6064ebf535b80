import { config } from "zod";

// The UI runs under a CSP without 'unsafe-eval': zod must not probe `new Function` for its JIT (that probe
// alone is reported as a violation). Parsing works the same, interpreted. This module is main.tsx's first
// import, so it runs before any module that builds a schema at load time (z.object() probes when built).
config({ jitless: true });
