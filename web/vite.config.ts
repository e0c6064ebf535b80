import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const webRoot = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/**
 * The admin UI. Built into web/dist, which `facteur serve` serves (src/http/routes/ui.ts).
 * It imports the shared zod schemas and the locale files from ../src, so the form validates exactly like the API.
 */
export default defineConfig({
  root: webRoot,
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2_500, // zxcvbn dictionaries (password meter) are big; they load with the form only
  },
  server: {
    fs: { allow: [repoRoot] },
    proxy: { "/api": "http://127.0.0.1:3000" },
  },
});
