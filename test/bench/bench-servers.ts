// Processes the bench measures: Leadline itself (a child process, so the load generator does not
// share its event loop) and a bare express handler doing the least a webhook can do.
import { spawn, type ChildProcess } from "node:child_process";

export interface Child {
  proc: ChildProcess;
  url: string;
  /** everything it printed so far */
  log(): string;
  stop(): Promise<void>;
}

/** Starts `node --import tsx FILE` and waits for it to print `listening <port>` or the Leadline log line. */
export async function startChild(file: string, env: Record<string, string>, readyPattern: RegExp): Promise<Child> {
  // BENCH_CHILD_NODE_ARGS: e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where a child's time goes
  const nodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, "--import", "tsx", file], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let ready = false;
  const url = await new Promise<string>((ok, fail) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      // matched until ready only: a chatty child's whole log re-scanned on every chunk would cost
      // the bench (the load generator and the fake's clock) more CPU the longer the child runs
      const m = ready ? null : readyPattern.exec(out);
      if (m) {
        ready = true;
        ok(`http://127.0.0.1:${m[1]}`);
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    proc.on("exit", (code) => fail(new Error(`${file} exited (${code}): ${out.slice(-2000)}`)));
  });
  return {
    proc,
    url,
    log: () => out,
    stop: () =>
      new Promise<void>((ok) => {
        // a child killed by a signal (the bench's SIGKILL) has signalCode set, exitCode null
        if (proc.exitCode !== null || proc.signalCode !== null) return ok();
        proc.once("exit", () => ok());
        proc.kill("SIGTERM");
        setTimeout(() => proc.kill("SIGKILL"), 10_000).unref();
      }),
  };
}
