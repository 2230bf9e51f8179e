// `npm run build:console` and postinstall: build the console client if it is missing or stale.
import { buildConsoleClient } from "./build-console-client.ts";

const built = await buildConsoleClient({ force: process.argv.includes("--force") });
console.log(built ? "console client built (dist/console-client)" : "console client is up to date");
