import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { maintainerSet, ownersAuthorising, ownersInTrustOrder } from "./maintainers.js";
import type { AnnouncementLookup } from "./maintainers.js";
import { knownAnnouncement, testView } from "./view-fixture.js";
import type { KnownAnnouncement } from "./view.js";

// Pubkeys only need to be distinct strings for the graph.
const [owner, alice, bob, carol, dave] = ["owner", "alice", "bob", "carol", "dave"].map((name) => name.padEnd(64, "0")) as [
  string,
  string,
  string,
  string,
  string,
];

function lookupFrom(graph: Record<string, string[]>): AnnouncementLookup {
  return (pubkey) => (graph[pubkey] === undefined ? undefined : { maintainers: graph[pubkey]! });
}

const sorted = (set: Set<string>) => [...set].sort();

describe("maintainerSet", () => {
  it("is the owner alone when the owner has no announcement", () => {
    assert.deepEqual(sorted(maintainerSet(owner, lookupFrom({}))), [owner]);
  });

  it("holds the owner and the maintainers listed by the owner's announcement", () => {
    assert.deepEqual(sorted(maintainerSet(owner, lookupFrom({ [owner]: [alice, bob] }))), [alice, bob, owner].sort());
  });

  it("adds, recursively, the maintainers listed by each maintainer's own announcement", () => {
    const graph = { [owner]: [alice], [alice]: [bob], [bob]: [carol] };
    assert.deepEqual(sorted(maintainerSet(owner, lookupFrom(graph))), [alice, bob, carol, owner].sort());
  });

  it("walks cycles once and terminates", () => {
    const graph = { [owner]: [alice], [alice]: [bob], [bob]: [owner, alice] };
    let lookups = 0;
    const lookup: AnnouncementLookup = (pubkey) => {
      lookups += 1;
      return lookupFrom(graph)(pubkey);
    };
    assert.deepEqual(sorted(maintainerSet(owner, lookup)), [alice, bob, owner].sort());
    assert.equal(lookups, 3);
  });

  it("is not symmetric: being listed does not list back", () => {
    const graph = { [owner]: [alice], [alice]: [], [dave]: [owner] };
    assert.deepEqual(sorted(maintainerSet(alice, lookupFrom(graph))), [alice]);
    assert.deepEqual(sorted(maintainerSet(owner, lookupFrom(graph))), [alice, owner].sort());
    assert.equal(maintainerSet(owner, lookupFrom(graph)).has(dave), false);
  });

  it("handles an owner listing themselves", () => {
    assert.deepEqual(sorted(maintainerSet(owner, lookupFrom({ [owner]: [owner] }))), [owner]);
  });
});

describe("ownersAuthorising", () => {
  const view = (announcements: KnownAnnouncement[]) => testView({ announcements }).announcementsWithIdentifier;

  it("names every hosted owner whose set includes the author", () => {
    const lookup = view([
      knownAnnouncement(owner, "repo", [alice]),
      knownAnnouncement(bob, "repo", [alice]),
      knownAnnouncement(carol, "repo", []),
    ]);
    assert.deepEqual(ownersAuthorising(alice, "repo", lookup).sort(), [bob, owner].sort());
    assert.deepEqual(ownersAuthorising(carol, "repo", lookup), [carol]);
    assert.deepEqual(ownersAuthorising(dave, "repo", lookup), []);
  });

  it("follows maintainers through their own announcements of the same d, even ones that do not list us", () => {
    const lookup = view([knownAnnouncement(owner, "repo", [alice]), knownAnnouncement(alice, "repo", [bob], false)]);
    assert.deepEqual(ownersAuthorising(bob, "repo", lookup), [owner]);
  });

  it("does not follow announcements with another d", () => {
    const lookup = view([knownAnnouncement(owner, "repo", [alice]), knownAnnouncement(alice, "other", [bob])]);
    assert.deepEqual(ownersAuthorising(bob, "repo", lookup), []);
  });

  it("does not count an announcement that does not list us as an owner", () => {
    const lookup = view([knownAnnouncement(owner, "repo", [alice], false)]);
    assert.deepEqual(ownersAuthorising(owner, "repo", lookup), []);
    assert.deepEqual(ownersAuthorising(alice, "repo", lookup), []);
  });

  it("terminates on cycles between owners", () => {
    const lookup = view([knownAnnouncement(owner, "repo", [alice]), knownAnnouncement(alice, "repo", [owner])]);
    assert.deepEqual(ownersAuthorising(owner, "repo", lookup).sort(), [alice, owner].sort());
    assert.deepEqual(ownersAuthorising(dave, "repo", lookup), []);
  });
});

describe("ownersInTrustOrder", () => {
  const aged = (pubkey: string, maintainers: string[], createdAt: number): KnownAnnouncement => ({ ...knownAnnouncement(pubkey, "repo", maintainers), createdAt });

  it("puts the author's own repository first, then owners the author lists, then the rest by the age of their announcement", () => {
    const announcements = [
      aged(dave, [alice], 10), // a stranger naming alice, oldest
      aged(carol, [alice], 30), // a stranger naming alice, newest
      aged(bob, [alice], 20), // listed by alice
      aged(alice, [bob], 40),
    ];
    const order = ownersInTrustOrder(alice, "repo", () => announcements);
    assert.deepEqual(order, [alice, bob, dave, carol]);
  });

  it("gives only owners whose maintainer set has the author", () => {
    assert.deepEqual(ownersInTrustOrder(alice, "repo", () => [aged(owner, [], 1), aged(bob, [alice], 2)]), [bob]);
  });
});
