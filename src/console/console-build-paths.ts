// Where the console's client lives and where Vite writes it (git-ignored, rebuilt on install/start).
import { fileURLToPath } from "node:url";

export const CONSOLE_CLIENT_DIR = fileURLToPath(new URL("./client/", import.meta.url));
export const CONSOLE_BUILD_DIR = fileURLToPath(new URL("../../dist/console-client/", import.meta.url));
