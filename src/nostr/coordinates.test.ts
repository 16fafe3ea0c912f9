import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { coordinateOf, formatCoordinate, isAddressableKind, isNewerEvent, isReplaceableKind, parseCoordinate } from "./coordinates.js";

const pubkey = "ab".repeat(32);

describe("event classes", () => {
  it("knows NIP-01's replaceable and addressable ranges", () => {
    for (const kind of [0, 3, 10000, 10317, 19999]) assert.equal(isReplaceableKind(kind), true, `${kind}`);
    for (const kind of [1, 5, 1617, 9999, 20000, 30617]) assert.equal(isReplaceableKind(kind), false, `${kind}`);
    for (const kind of [30000, 30617, 30618, 39999]) assert.equal(isAddressableKind(kind), true, `${kind}`);
    for (const kind of [29999, 40000, 10317, 1]) assert.equal(isAddressableKind(kind), false, `${kind}`);
  });
});

describe("coordinateOf", () => {
  it("is kind:pubkey:d for addressable events, an empty d when the tag is missing", () => {
    assert.equal(coordinateOf({ kind: 30617, pubkey, tags: [["d", "repo"], ["d", "second"]] }), `30617:${pubkey}:repo`);
    assert.equal(coordinateOf({ kind: 30617, pubkey, tags: [] }), `30617:${pubkey}:`);
  });

  it("is kind:pubkey: for replaceable events, whatever their d", () => {
    assert.equal(coordinateOf({ kind: 10317, pubkey, tags: [["d", "ignored"]] }), `10317:${pubkey}:`);
    assert.equal(coordinateOf({ kind: 0, pubkey, tags: [] }), `0:${pubkey}:`);
  });

  it("is undefined for regular and ephemeral events", () => {
    assert.equal(coordinateOf({ kind: 1, pubkey, tags: [["d", "x"]] }), undefined);
    assert.equal(coordinateOf({ kind: 20001, pubkey, tags: [] }), undefined);
  });
});

describe("parseCoordinate", () => {
  it("reads kind, pubkey and a d that may hold colons, newlines or nothing", () => {
    assert.deepEqual(parseCoordinate(`30617:${pubkey}:repo`), { kind: 30617, pubkey, identifier: "repo" });
    assert.deepEqual(parseCoordinate(`30617:${pubkey}:a:b:c`), { kind: 30617, pubkey, identifier: "a:b:c" });
    assert.deepEqual(parseCoordinate(`30617:${pubkey}:line\nbreak`), { kind: 30617, pubkey, identifier: "line\nbreak" });
    assert.deepEqual(parseCoordinate(`10317:${pubkey}:`), { kind: 10317, pubkey, identifier: "" });
    assert.deepEqual(parseCoordinate(`0:${pubkey}:`), { kind: 0, pubkey, identifier: "" });
  });

  it("round-trips with formatCoordinate", () => {
    const coordinate = { kind: 30618, pubkey, identifier: "x:y" };
    assert.deepEqual(parseCoordinate(formatCoordinate(coordinate)), coordinate);
  });

  for (const value of [
    "",
    "30617",
    `30617:${pubkey}`,
    `:${pubkey}:repo`,
    `-1:${pubkey}:repo`,
    `65536:${pubkey}:repo`,
    `123456:${pubkey}:repo`,
    `3e4:${pubkey}:repo`,
    `30617:${pubkey.toUpperCase()}:repo`,
    `30617:${pubkey.slice(2)}:repo`,
    `30617:${pubkey}00:repo`,
    ` 30617:${pubkey}:repo`,
  ]) {
    it(`refuses ${JSON.stringify(value.slice(0, 24))}…`, () => {
      assert.equal(parseCoordinate(value), undefined);
    });
  }
});

describe("isNewerEvent", () => {
  const low = "0".repeat(63) + "1";
  const high = "f".repeat(64);
  it("prefers the later created_at whatever the ids", () => {
    assert.equal(isNewerEvent({ created_at: 2, id: high }, { created_at: 1, id: low }), true);
    assert.equal(isNewerEvent({ created_at: 1, id: low }, { created_at: 2, id: high }), false);
  });

  it("breaks a tie with the lower id, and an event is not newer than itself", () => {
    assert.equal(isNewerEvent({ created_at: 5, id: low }, { created_at: 5, id: high }), true);
    assert.equal(isNewerEvent({ created_at: 5, id: high }, { created_at: 5, id: low }), false);
    assert.equal(isNewerEvent({ created_at: 5, id: low }, { created_at: 5, id: low }), false);
  });
});
