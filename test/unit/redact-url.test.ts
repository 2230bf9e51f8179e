import { describe, expect, it } from "vitest";
import { redactUrl } from "../../src/http/log-requests.ts";

describe("redactUrl (request logs never carry a credential from the query string)", () => {
  it.each([
    ["/api/admin/businesses/acme/conversations", "/api/admin/businesses/acme/conversations"],
    ["/admin/queues?token=abc", "/admin/queues?token=[redacted]"],
    ["/x?limit=5&token=abc&before=2026", "/x?limit=5&token=[redacted]&before=2026"],
    ["/x?access_token=abc", "/x?access_token=[redacted]"],
    [
      "/webhooks/facebook?hub.mode=subscribe&hub.verify_token=abc&hub.challenge=1",
      "/webhooks/facebook?hub.mode=subscribe&hub.verify_token=[redacted]&hub.challenge=1",
    ],
    ["/x?%74oken=abc", "/x?%74oken=[redacted]"],
    ["/x?TOKEN=abc", "/x?TOKEN=[redacted]"],
    ["/x?admin-token-0123456789", "/x?[redacted]"],
    ["/x?%E0%A4%A=abc&limit=1", "/x?%E0%A4%A=abc&limit=1"],
    ["/x?a=1#token=abc", "/x?a=1"],
  ])("%s → %s", (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });
});
