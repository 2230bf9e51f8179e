// Builds the console client (Preact + uPlot) into dist/console-client, served at /console.
import { defineConfig } from "vite";
import { CONSOLE_BUILD_DIR, CONSOLE_CLIENT_DIR } from "../console-build-paths.ts";

export default defineConfig({
  root: CONSOLE_CLIENT_DIR,
  base: "/console/",
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: CONSOLE_BUILD_DIR, emptyOutDir: true, target: "es2022", sourcemap: false },
});
