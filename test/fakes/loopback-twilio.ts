// A Twilio Messages API on a real loopback port, for processes msw cannot reach (child workers,
// the bench). Same JSON as the msw fake.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface LoopbackTwilio {
  url: string;
  /** every create request, hung ones too (Twilio took them: they are in its list) */
  requests: { to: string; from: string; body: string; at: number; sid: string }[];
  /** the next N requests never get an answer */
  hangNext(n: number): void;
  close(): Promise<void>;
}

export async function startLoopbackTwilio(onRequest?: (to: string, at: number) => void): Promise<LoopbackTwilio> {
  const requests: LoopbackTwilio["requests"] = [];
  let hang = 0;
  const hung: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "GET" && req.url === "/__requests") {
        // for a test that runs this fake in its own process (its clock then is not held up by the test's work)
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(requests));
        return;
      }
      const [path, query] = (req.url ?? "").split("?");
      const m = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/.exec(path ?? "");
      if (req.method === "GET" && m) {
        // the Messages list (To/From filters, newest first, one page), as a worker that died mid-send asks it
        const q = new URLSearchParams(query ?? "");
        const mine = requests.filter((r) => (!q.get("To") || r.to === q.get("To")) && (!q.get("From") || r.from === q.get("From"))).reverse();
        const date = (at: number) => new Date(at).toUTCString().replace("GMT", "+0000");
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            messages: mine.map((r) => ({
              account_sid: m[1],
              body: r.body,
              date_created: date(r.at),
              date_sent: date(r.at),
              direction: "outbound-api",
              from: r.from,
              sid: r.sid,
              status: "sent",
              to: r.to,
            })),
            next_page_uri: null,
            page: 0,
            page_size: mine.length,
            start: 0,
            end: Math.max(0, mine.length - 1),
            uri: req.url,
          }),
        );
        return;
      }
      if (req.method !== "POST" || !m) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ code: 20404, message: "not found", status: 404 }));
        return;
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      const at = Date.now();
      const sid = "SM" + randomBytes(16).toString("hex");
      const entry = { to: form.get("To") ?? "", from: form.get("From") ?? "", body: form.get("Body") ?? "", at, sid };
      requests.push(entry);
      onRequest?.(entry.to, at);
      if (hang > 0) {
        hang--;
        hung.push(res);
        return;
      }
      res.writeHead(201, { "content-type": "application/json" }).end(
        JSON.stringify({
          account_sid: m[1],
          api_version: "2010-04-01",
          body: entry.body,
          direction: "outbound-api",
          error_code: null,
          error_message: null,
          from: entry.from,
          num_segments: "1",
          sid,
          status: "queued",
          to: entry.to,
          uri: `/2010-04-01/Accounts/${m[1]}/Messages/${sid}.json`,
        }),
      );
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    hangNext(n) {
      hang += n;
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const r of hung) r.destroy();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
