import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import { maxIdentifierBytes, npubOf, pubkeyOfNpub, readAnnouncement, repositoryIdentifierProblem } from "./nip34.js";
import { newAuthor } from "./event-fixtures.js";

describe("readAnnouncement", () => {
  it("reads owner, d, clone and relay lists, and valid distinct maintainers", () => {
    const owner = newAuthor();
    const maintainer = newAuthor();
    const event = owner.sign({
      kind: kinds.RepositoryAnnouncement,
      tags: [
        ["d", "repo"],
        ["clone", "https://a.example/x.git", "https://b.example/x.git"],
        ["clone", "https://c.example/x.git"],
        ["relays", "wss://a.example", "wss://b.example"],
        ["maintainers", maintainer.pubkey, maintainer.npub, maintainer.pubkey.toUpperCase(), "junk"],
        ["maintainers", maintainer.pubkey, owner.pubkey],
      ],
    });
    assert.deepEqual(readAnnouncement(event), {
      id: event.id,
      owner: owner.pubkey,
      identifier: "repo",
      createdAt: event.created_at,
      cloneUrls: ["https://a.example/x.git", "https://b.example/x.git", "https://c.example/x.git"],
      relayUrls: ["wss://a.example", "wss://b.example"],
      maintainers: [maintainer.pubkey, owner.pubkey],
    });
  });

  it("reads a missing d as empty and missing lists as empty", () => {
    const event = newAuthor().sign({ kind: kinds.RepositoryAnnouncement });
    const announcement = readAnnouncement(event);
    assert.equal(announcement.identifier, "");
    assert.deepEqual([announcement.cloneUrls, announcement.relayUrls, announcement.maintainers], [[], [], []]);
  });
});

describe("npubs", () => {
  it("round-trip between hex and npub, and refuse anything else", () => {
    const author = newAuthor();
    assert.equal(npubOf(author.pubkey), author.npub);
    assert.equal(pubkeyOfNpub(author.npub), author.pubkey);
    assert.equal(pubkeyOfNpub(author.pubkey), undefined);
    // Any one character changed breaks bech32's checksum (one that already ends in x changes to y).
    const otherLast = author.npub.endsWith("x") ? "y" : "x";
    assert.equal(pubkeyOfNpub(`${author.npub.slice(0, -1)}${otherLast}`), undefined);
    assert.equal(pubkeyOfNpub(""), undefined);
    assert.equal(pubkeyOfNpub("nsec1" + author.npub.slice(5)), undefined);
  });
});

describe("repositoryIdentifierProblem", () => {
  it("allows up to the byte limit, counting bytes and not characters", () => {
    assert.equal(maxIdentifierBytes, 200);
    assert.equal(repositoryIdentifierProblem("x".repeat(200)), undefined);
    assert.equal(repositoryIdentifierProblem("€".repeat(66)), undefined); // 198 bytes
    assert.match(repositoryIdentifierProblem("€".repeat(67)) ?? "", /201 bytes/);
  });
});
