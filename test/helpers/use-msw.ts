import { http, passthrough, type RequestHandler } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";

/** msw for this file: unhandled outside requests fail the test; loopback (our own server) passes. */
export function useMsw(...handlers: RequestHandler[]) {
  const server = setupServer(
    ...handlers,
    http.all(/^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//, () => passthrough()),
  );
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}
