// A loopback TCP proxy we can cut, to take "the database" or "Redis" away mid-test — and bring it
// back on the same port, the way a restarted server or a healed network does.
import { createServer, connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface TcpProxy {
  port: number;
  /** drop every connection and refuse new ones (for good) */
  cut(): Promise<void>;
  /** drop every connection and refuse new ones until up() */
  down(): Promise<void>;
  /** accept connections again, on the same port */
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as AddressInfo).port;
  const down = () =>
    new Promise<void>((ok) => {
      for (const s of sockets) s.destroy();
      if (!server.listening) return ok();
      server.close(() => ok());
    });
  return {
    port,
    cut: down,
    down,
    up: () => new Promise<void>((ok, fail) => server.listen(port, "127.0.0.1", ok).once("error", fail)),
    close: down,
  };
}
