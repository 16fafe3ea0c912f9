import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import { newAuthor } from "../nostr/event-fixtures.js";
import { protectedEventIsAuthed } from "./protected-event-is-authed.js";
import { ruleInput } from "./view-fixture.js";

const rule = protectedEventIsAuthed();
const author = newAuthor();
const stranger = newAuthor();
const protectedEvent = author.sign({ kind: kinds.ShortTextNote, tags: [["-"]] });
const decide = (type: string, authed: string | undefined, event = protectedEvent) => rule({ ...ruleInput(event), source: { type, authed } });

describe("protectedEventIsAuthed (NIP-70)", () => {
  it("refuses a protected event unless its author authenticated on the connection", () => {
    assert.deepEqual(decide("IP4", undefined), {
      action: "reject",
      msg: "auth-required: this event is protected (NIP-70): only its author, authenticated, may publish it",
    });
    assert.equal(decide("IP4", stranger.pubkey).action, "reject");
    assert.equal(decide("Sync", undefined).action, "reject");
    assert.equal(decide("IP6", author.pubkey).action, "accept");
  });

  it("lets our own release of it through (its author was checked on arrival)", () => {
    assert.equal(decide("release", undefined).action, "accept");
  });

  it("ignores events without the bare [\"-\"] tag", () => {
    assert.equal(decide("IP4", undefined, author.sign({ kind: kinds.ShortTextNote, tags: [["-", "x"]] })).action, "accept");
    assert.equal(decide("IP4", undefined, author.sign({ kind: kinds.ShortTextNote })).action, "accept");
  });
});
