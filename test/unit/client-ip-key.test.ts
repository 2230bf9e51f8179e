import { describe, expect, it } from "vitest";
import { clientIpKey } from "../../src/lib/client-ip-key.ts";

describe("clientIpKey", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["2001:0DB8:0001:0002::1", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["64:ff9b::192.0.2.33", "64:ff9b:0:0::/64"],
    [undefined, "unknown"],
    ["not an ip", "not an ip"],
  ])("%s → %s", (ip, key) => {
    expect(clientIpKey(ip)).toBe(key);
  });

  it("two addresses of one /64 count as one client; the next /64 is another", () => {
    expect(clientIpKey("2001:db8:aa:bb::1")).toBe(clientIpKey("2001:db8:aa:bb:9:9:9:9"));
    expect(clientIpKey("2001:db8:aa:bb::1")).not.toBe(clientIpKey("2001:db8:aa:bc::1"));
  });
});
