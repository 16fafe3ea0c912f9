import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import { announcementCoordinate, newAuthor } from "../nostr/event-fixtures.js";
import { eventIsRelated, referencesOf } from "./event-is-related.js";
import { ruleInput, testView } from "./view-fixture.js";
import type { TestViewContents } from "./view-fixture.js";

const rule = eventIsRelated();
const author = newAuthor();
const owner = newAuthor();
const acceptedId = "1".repeat(64);
const coordinate = announcementCoordinate(owner, "repo");

function decideTags(kind: number, tags: string[][], contents: TestViewContents = { acceptedIds: [acceptedId], coordinates: [coordinate] }) {
  return rule(ruleInput(author.sign({ kind, tags }), testView(contents)));
}

describe("eventIsRelated", () => {
  describe("accepts an event that references an accepted event by id", () => {
    for (const tag of ["e", "E", "q"]) {
      it(`in a ${tag} tag`, () => {
        assert.deepEqual(decideTags(kinds.Comment, [[tag, acceptedId, "wss://relay.example"]]), { action: "accept", msg: "" });
      });
    }
  });

  describe("accepts an event that references an accepted announcement by coordinate", () => {
    for (const tag of ["a", "A", "q"]) {
      it(`in an ${tag} tag`, () => {
        assert.deepEqual(decideTags(kinds.Patch, [[tag, coordinate]]), { action: "accept", msg: "" });
      });
    }
  });

  it("accepts when any one of several references is accepted", () => {
    assert.equal(decideTags(kinds.Issue, [["e", "2".repeat(64)], ["a", `30617:${author.pubkey}:nope`], ["a", coordinate]]).action, "accept");
  });

  it("accepts a late event that an accepted event already references by id (forward reference)", () => {
    const late = author.sign({ kind: kinds.ShortTextNote, content: "root" });
    const view = testView({ references: [late.id] });
    assert.equal(rule(ruleInput(late, view)).action, "accept");
    assert.equal(rule(ruleInput(late, testView())).action, "reject");
  });

  it("accepts a late addressable event that an accepted event already references by coordinate", () => {
    const late = author.sign({ kind: 30023, tags: [["d", "article"]] });
    const view = testView({ references: [`30023:${author.pubkey}:article`] });
    assert.equal(rule(ruleInput(late, view)).action, "accept");
    assert.equal(rule(ruleInput(late, testView({ references: [`30023:${author.pubkey}:other`] }))).action, "reject");
  });

  it("accepts a late replaceable event referenced by its coordinate with an empty d", () => {
    const late = author.sign({ kind: 10002, tags: [] });
    assert.equal(rule(ruleInput(late, testView({ references: [`10002:${author.pubkey}:`] }))).action, "accept");
  });

  it("rejects an orphan, naming its kind", () => {
    assert.deepEqual(decideTags(kinds.ShortTextNote, []), {
      action: "reject",
      msg: "blocked: kind 1 event references no repository or event on this server",
      unrelated: true,
    });
    assert.deepEqual(decideTags(kinds.GitPullRequest, [["e", "2".repeat(64)], ["a", `30617:${owner.pubkey}:other`]]), {
      action: "reject",
      msg: "blocked: kind 1618 event references no repository or event on this server",
      unrelated: true,
    });
  });

  it("rejects a kind 5 deletion that names nothing accepted", () => {
    assert.equal(decideTags(kinds.EventDeletion, [["e", "2".repeat(64)]]).action, "reject");
    assert.equal(decideTags(kinds.EventDeletion, [["e", acceptedId]]).action, "accept");
  });

  it("accepts a kind 5 deletion that names a held event, by id or by coordinate (withdrawing it from the purgatory)", () => {
    const heldId = "3".repeat(64);
    const heldCoordinate = announcementCoordinate(author, "pending");
    const contents = { held: [{ id: heldId, coordinate: heldCoordinate, pubkey: author.pubkey }] };
    assert.equal(decideTags(kinds.EventDeletion, [["e", heldId]], contents).action, "accept");
    assert.equal(decideTags(kinds.EventDeletion, [["a", heldCoordinate]], contents).action, "accept");
  });

  it("rejects a kind 5 that names only someone else's held event: a deletion counts for its author alone", () => {
    const someoneElse = newAuthor();
    const heldId = "3".repeat(64);
    const heldCoordinate = announcementCoordinate(someoneElse, "pending");
    const contents = { held: [{ id: heldId, coordinate: heldCoordinate, pubkey: someoneElse.pubkey }] };
    assert.equal(decideTags(kinds.EventDeletion, [["e", heldId]], contents).action, "reject");
    assert.equal(decideTags(kinds.EventDeletion, [["a", heldCoordinate]], contents).action, "reject");
  });

  it("does not count a held event or announcement as a reference for anything but a deletion", () => {
    const heldId = "3".repeat(64);
    const heldCoordinate = announcementCoordinate(author, "pending");
    const contents = { held: [{ id: heldId, coordinate: heldCoordinate }] };
    assert.equal(decideTags(kinds.Comment, [["e", heldId]], contents).action, "reject");
    assert.equal(decideTags(kinds.Patch, [["a", heldCoordinate]], contents).action, "reject");
  });

  it("accepts kind 10317 (user grasp list), announcements and states without references: they have rules of their own", () => {
    for (const kind of [kinds.UserGraspList, kinds.RepositoryAnnouncement, kinds.RepositoryState]) {
      assert.equal(decideTags(kind, [], {}).action, "accept", `kind ${kind}`);
    }
  });

  it("ignores malformed tag values, even when the server would know the malformed string", () => {
    const upper = "A".repeat(64);
    const short = "1".repeat(63);
    const badCoordinates = [
      `30617:${owner.pubkey.toUpperCase()}:repo`,
      "30617:nothex:repo",
      `99999999:${owner.pubkey}:repo`,
      `70000:${owner.pubkey}:repo`,
      `:${owner.pubkey}:repo`,
      `30617:${owner.pubkey}`,
    ];
    const contents = { acceptedIds: [upper, short, acceptedId], coordinates: [...badCoordinates, coordinate] };
    const malformed = [
      ["e", upper],
      ["E", short],
      ["q", upper],
      ["e"],
      ["a"],
      ["e", coordinate], // a coordinate is not an id
      ["a", acceptedId], // an id is not a coordinate
      ["p", acceptedId], // other tag names do not count
      ["t", coordinate],
      ...badCoordinates.map((value) => ["a", value]),
    ];
    assert.deepEqual(decideTags(kinds.Comment, malformed, contents), {
      action: "reject",
      msg: "blocked: kind 1111 event references no repository or event on this server",
      unrelated: true,
    });
  });
});

describe("referencesOf", () => {
  it("collects ids and coordinates once each, from the tags that count", () => {
    const id = "f".repeat(64);
    assert.deepEqual(
      referencesOf({
        tags: [["e", id], ["E", id], ["q", id], ["a", coordinate], ["A", coordinate], ["q", coordinate], ["p", "0".repeat(64)], ["e", "nope"]],
      }),
      { ids: [id], coordinates: [coordinate] },
    );
  });

  it("keeps colons inside a coordinate's d", () => {
    const withColons = `30617:${owner.pubkey}:a:b:c`;
    assert.deepEqual(referencesOf({ tags: [["a", withColons]] }).coordinates, [withColons]);
  });
});
