import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { answerForWrite, sourceOfAddress } from "./relay.js";

describe("answerForWrite", () => {
  it("gives strfry's OK for each store outcome", () => {
    assert.deepEqual(answerForWrite("written"), { accepted: true, message: "" });
    assert.deepEqual(answerForWrite("duplicate"), { accepted: true, message: "duplicate: have this event" });
    assert.deepEqual(answerForWrite("replaced"), { accepted: false, message: "replaced: have newer event" });
    assert.deepEqual(answerForWrite("deleted"), { accepted: false, message: "deleted: user requested deletion" });
  });
});

describe("sourceOfAddress", () => {
  it("reports IPv4, including IPv4-mapped IPv6, as IP4 and the rest as IP6", () => {
    assert.deepEqual(sourceOfAddress("127.0.0.1"), { sourceType: "IP4", sourceInfo: "127.0.0.1" });
    assert.deepEqual(sourceOfAddress("::ffff:10.0.0.7"), { sourceType: "IP4", sourceInfo: "10.0.0.7" });
    assert.deepEqual(sourceOfAddress("::1"), { sourceType: "IP6", sourceInfo: "::1" });
  });
});
