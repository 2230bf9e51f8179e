// The loopback Twilio in a process of its own: the moments it records are not held up by whatever
// else the test's process is doing (GET /__requests lists them).
import { startLoopbackTwilio } from "../fakes/loopback-twilio.ts";

const fake = await startLoopbackTwilio();
process.stdout.write(`listening ${fake.url}\n`);
process.on("SIGTERM", () => void fake.close().then(() => process.exit(0)));
