// The head of a server-sent event stream: no caching or proxy buffering (nginx, Fly's proxy), and
// the browser told to reconnect after 2 s.
import type { Response } from "express";

export function openEventStream(res: Response): void {
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  });
  res.write("retry: 2000\n\n");
}
