// The voice agent's WebSocket (GET /webhooks/twilio/relay) on the HTTP server: `ws` with
// noServer, and the upgrade refused with a plain 403 (nothing stored, no session) unless
// X-Twilio-Signature is valid for the wss:// URL Twilio called (PUBLIC_BASE_URL's host, http→ws,
// https→wss, path and query as received, no params). Checked before handleUpgrade.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import twilio from "twilio";
import { WebSocketServer } from "ws";
import type { Ctx } from "../context.ts";
import { runVoiceSession } from "./run-voice-session.ts";

export const RELAY_PATH = "/webhooks/twilio/relay";

/** calls whose socket is open in this process, by CallSid */
export const liveRelayCalls = new Map<string, unknown>();

export function relaySocketUrl(publicBaseUrl: string, requestUrl: string): string {
  const base = new URL(publicBaseUrl);
  return `${base.protocol === "https:" ? "wss:" : "ws:"}//${base.host}${requestUrl}`;
}

export function attachRelayServer(ctx: Ctx, server: Server, o: { fillerAfterMs?: number; maxCallMs?: number } = {}): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = req.url ?? "";
    if (url.split("?")[0] !== RELAY_PATH) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const signature = req.headers["x-twilio-signature"];
    if (typeof signature !== "string" || !twilio.validateRequest(ctx.twilioToken, signature, relaySocketUrl(ctx.env.PUBLIC_BASE_URL, url), {})) {
      ctx.metrics.webhooks.inc({ route: "relay", outcome: "rejected" });
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 24\r\n\r\ninvalid Twilio signature");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ctx.metrics.webhooks.inc({ route: "relay", outcome: "stored" });
      runVoiceSession(ctx, ws, {
        live: liveRelayCalls,
        ...(o.fillerAfterMs === undefined ? {} : { fillerAfterMs: o.fillerAfterMs }),
        ...(o.maxCallMs === undefined ? {} : { maxCallMs: o.maxCallMs }),
      });
    });
  };
  server.on("upgrade", onUpgrade);
  return {
    close: () =>
      new Promise<void>((ok) => {
        server.off("upgrade", onUpgrade);
        for (const c of wss.clients) c.terminate();
        wss.close(() => ok());
      }),
  };
}
