import { describe, expect, it } from "vitest";
import { newId } from "../../src/lib/new-id.ts";

describe("newId", () => {
  it("is cuid-shaped, unique across many pool refills, and sorts by time", async () => {
    const ids = Array.from({ length: 5000 }, () => newId()); // 5000 × 10 bytes: a dozen refills of the pool
    for (const id of ids) expect(id).toMatch(/^c[0-9a-z]{8,9}[0-9a-f]{20}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(-20))).size).toBe(ids.length); // the random part alone never repeats
    const earlier = newId();
    await new Promise((r) => setTimeout(r, 5));
    expect(newId() > earlier).toBe(true);
  });
});
