#!/usr/bin/env node
// Entry point of the `facteur` command: runs the compiled CLI (npm run build creates dist/).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(root, "dist", "cli", "main.js");
if (!existsSync(compiled)) {
  console.error(
    "Facteur n'est pas compilé : lancez « npm run build ». / Facteur is not built: run `npm run build`.",
  );
  process.exit(1);
}
await import(compiled);
