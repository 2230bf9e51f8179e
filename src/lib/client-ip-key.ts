// The key a per-client limit counts under: an IPv4 address as it is, an IPv6 address by its /64
// (one subscriber usually holds a whole /64, so counting single addresses would let them rotate
// through 2^64 of them). The address itself is req.ip, i.e. what TRUST_PROXY lets X-Forwarded-For
// say: a header from a hop that is not trusted does not count, the hop does.
import { isIPv4, isIPv6 } from "node:net";

export function clientIpKey(ip: string | undefined): string {
  if (!ip) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (isIPv4(ip)) return ip;
  const bare = ip.split("%")[0]!; // a zone index (fe80::1%eth0) is not part of the address
  if (!isIPv6(bare)) return ip;
  return `${expandIpv6(bare).slice(0, 4).join(":")}::/64`;
}

/** The eight hextets of an IPv6 address, each without leading zeros (an embedded IPv4 tail as two). */
function expandIpv6(ip: string): string[] {
  let text = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const [a, b, c, d] = v4.split(".").map(Number) as [number, number, number, number];
    text = text.slice(0, -v4.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const left = head ? head.split(":") : [];
  const right = tail === undefined ? [] : tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((h) => parseInt(h, 16).toString(16));
}
