import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { finalizeEvent, generateSecretKey } from "nostr-tools/pure";
import type { NostrEvent } from "nostr-tools";
import { checkEvent, isProtectedEvent, normalizeEvent } from "./event-checks.js";

const secretKey = generateSecretKey();
const now = 1_750_000_000;
const sign = (template: Partial<Pick<NostrEvent, "kind" | "tags" | "content" | "created_at">>) =>
  finalizeEvent({ kind: 1, tags: [], content: "", created_at: now, ...template }, secretKey);
const reason = (value: unknown, checkTime = true) => {
  const checked = checkEvent(value, { now, checkTime });
  return checked.ok ? "ok" : checked.reason;
};

describe("checkEvent", () => {
  it("accepts a signed event and keeps only the NIP-01 fields, in strfry's order", () => {
    const event = sign({ content: "hi" });
    const checked = checkEvent({ ...event, extra: true }, { now, checkTime: true });
    assert.ok(checked.ok);
    assert.deepEqual(Object.keys(checked.event), ["content", "created_at", "id", "kind", "pubkey", "sig", "tags"]);
    assert.deepEqual(checked.event, normalizeEvent(event));
  });

  it("gives strfry's reasons for bad ids, signatures and sizes", () => {
    const event = sign({ content: "hi" });
    assert.equal(reason({ ...event, content: "changed" }), "bad event id");
    assert.equal(reason({ ...event, sig: "0".repeat(128) }), "bad signature");
    const huge = sign({ content: "x".repeat(66_000) });
    assert.equal(reason(huge), `event too large: ${Buffer.byteLength(JSON.stringify(normalizeEvent(huge)))}`);
    assert.equal(reason({ ...event, id: "xyz" }), "event id is not 64 lower-case hex characters");
  });

  it("checks tags as strfry indexes them", () => {
    assert.equal(reason(sign({ tags: Array.from({ length: 251 }, () => ["t", "x"]) })), "too many tags: 251");
    assert.equal(reason(sign({ tags: [[]] })), "too few fields in tag");
    assert.equal(reason(sign({ tags: [["e", "abc"]] })), "unexpected size for fixed-size tag");
    assert.equal(reason(sign({ tags: [["p"]] })), "unexpected size for fixed-size tag");
    assert.equal(reason(sign({ tags: [["t", "x".repeat(256)]] })), "tag val too large: 256");
    assert.equal(reason(sign({ tags: [["alt", "x".repeat(300)]] })), "ok");
    assert.equal(reason(sign({ tags: [["expiration", "soon"]] })), "invalid expiration");
  });

  it("checks times only when asked, as the relay does and strfry import does not", () => {
    const old = sign({ created_at: now - 94_608_001 });
    assert.equal(reason(old), "created_at too early");
    assert.equal(reason(old, false), "ok");
    assert.equal(reason(sign({ created_at: now + 901 })), "created_at too late");
    assert.equal(reason(sign({ kind: 20001, created_at: now - 61 })), "created_at too early");
    assert.equal(reason(sign({ tags: [["expiration", String(now - 1)]] })), "event expired");
    assert.equal(reason(sign({ tags: [["expiration", String(now + 60)]] })), "ok");
  });
});

describe("isProtectedEvent", () => {
  it("is true only for a one-element [\"-\"] tag", () => {
    assert.equal(isProtectedEvent({ tags: [["-"]] }), true);
    assert.equal(isProtectedEvent({ tags: [["-", "x"]] }), false);
    assert.equal(isProtectedEvent({ tags: [["t", "-"]] }), false);
  });
});
