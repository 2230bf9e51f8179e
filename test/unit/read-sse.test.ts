import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSse, parseSseBlocks } from "../helpers/read-sse.ts";

// A stream that says one thing, stays quiet for 2 s, then says the next: the shape that lost the
// web-chat tests their events when a reader raced a new read() against a timer on every loop.
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    const quietMs = Number(new URL(req.url!, "http://x").searchParams.get("quiet") ?? 2000);
    res.write('id: 1\nevent: message\ndata: {"n":1}\n\n');
    const t1 = setTimeout(() => res.write(': keep-alive\n\nid: 2\nevent: message\ndata: {"n":2}\n\n'), quietMs);
    // the third arrives in two chunks that split a line
    const t2 = setTimeout(() => res.write("id: 3\nevent: mess"), quietMs + 300);
    const t3 = setTimeout(() => res.end('age\ndata: {"n":3}\n\n'), quietMs + 600);
    res.on("close", () => [t1, t2, t3].forEach(clearTimeout));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("readSse", () => {
  it("loses no event after 2 s of quiet, even when waits with short deadlines run out in between", async () => {
    const { sse } = await openSse(`${base}/?quiet=2000`);
    try {
      expect(await sse.waitUntil((e) => e.length >= 1, 1000)).toBe(true);
      // several waits time out while a read is pending: the old reader abandoned each of those reads
      for (let i = 0; i < 6; i++) expect(await sse.waitUntil((e) => e.length >= 2, 200)).toBe(false);
      expect(await sse.waitUntil((e) => e.length >= 3, 5000)).toBe(true);
      expect(sse.events.map((e) => [e.id, e.event, JSON.parse(e.data).n])).toEqual([
        ["1", "message", 1],
        ["2", "message", 2],
        ["3", "message", 3],
      ]);
    } finally {
      sse.close();
    }
  });

  it("returns false at the end of the stream instead of waiting out its deadline", async () => {
    const { sse } = await openSse(`${base}/?quiet=10`);
    const started = Date.now();
    expect(await sse.waitUntil(() => false, 5000)).toBe(false);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(sse.events).toHaveLength(3);
    sse.close();
  });
});

describe("parseSseBlocks", () => {
  it.each([
    ["one event", "event: message\ndata: a\n\n", [{ event: "message", data: "a" }], ""],
    ["default event name, id", "id: 7\ndata: x\n\n", [{ event: "message", id: "7", data: "x" }], ""],
    ["a comment is no event", ": keep-alive\n\n", [], ""],
    ["multi-line data", "data: a\ndata: b\n\n", [{ event: "message", data: "a\nb" }], ""],
    ["CRLF line ends", "event: m\r\ndata: a\r\n\r\n", [{ event: "m", data: "a" }], ""],
    ["an unfinished block waits", "data: a\n\ndata: b", [{ event: "message", data: "a" }], "data: b"],
    ["retry only", "retry: 2000\n\n", [], ""],
  ])("%s", (_name, input, events, rest) => {
    expect(parseSseBlocks(input)).toEqual({ events, rest });
  });
});
