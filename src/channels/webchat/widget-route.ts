import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { Router } from "express";

const WIDGET = new URL("./widget/widget.js", import.meta.url);

/** GET /widget.js: the embeddable chat bubble, read once, served gzipped when the browser accepts it. */
export function widgetRoute(): Router {
  const r = Router();
  let cached: { plain: Buffer; gz: Buffer } | undefined;
  r.get("/widget.js", (req, res) => {
    cached ??= (() => {
      const plain = readFileSync(WIDGET);
      return { plain, gz: gzipSync(plain, { level: 9 }) };
    })();
    res.setHeader("Content-Type", "application/javascript; charset=utf-8");
    res.setHeader("Cache-Control", "public, max-age=300");
    res.setHeader("Cross-Origin-Resource-Policy", "cross-origin"); // loaded by other sites
    res.setHeader("Vary", "Accept-Encoding");
    if (/\bgzip\b/.test(req.header("accept-encoding") ?? "")) {
      res.setHeader("Content-Encoding", "gzip");
      res.send(cached.gz);
    } else res.send(cached.plain);
  });
  return r;
}
