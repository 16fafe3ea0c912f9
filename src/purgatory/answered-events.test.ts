import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newAuthor } from "../nostr/event-fixtures.js";
import { answeredEvents } from "./answered-events.js";

const author = newAuthor();
const other = newAuthor();
const target = "a".repeat(64);
const coordinate = `30617:${author.pubkey}:repo`;
const issue = () => author.sign({ kind: 1621, tags: [["a", coordinate], ["e", target]] });

describe("answeredEvents", () => {
  it("remembers an event, its author and what it references, until it is removed", () => {
    const answered = answeredEvents(10, () => 100);
    const event = issue();
    assert.equal(answered.add(event, 115), true);
    assert.equal(answered.hasEvent(event.id), true);
    assert.equal(answered.isBy(event.id, author.pubkey), true);
    assert.equal(answered.isBy(event.id, other.pubkey), false);
    assert.equal(answered.references(coordinate), true);
    assert.equal(answered.references(target), true);
    answered.remove(event.id);
    assert.equal(answered.hasEvent(event.id), false);
    assert.equal(answered.references(coordinate), false);
    assert.equal(answered.references(target), false);
  });

  it("keeps a reference while another remembered event still makes it", () => {
    const answered = answeredEvents(10, () => 100);
    const [first, second] = [issue(), issue()];
    answered.add(first, 115);
    answered.add(second, 115);
    answered.remove(first.id);
    assert.equal(answered.references(coordinate), true);
    answered.remove(second.id);
    assert.equal(answered.references(coordinate), false);
  });

  it("forgets what is past its time", () => {
    let now = 100;
    const answered = answeredEvents(10, () => now);
    const [early, late] = [issue(), issue()];
    answered.add(early, 115);
    now = 110;
    answered.add(late, 125);
    now = 116;
    assert.equal(answered.hasEvent(early.id), false);
    assert.equal(answered.hasEvent(late.id), true);
    assert.equal(answered.references(coordinate), true, "the later one still references it");
    now = 126;
    assert.equal(answered.references(coordinate), false);
  });

  it("refuses more than its capacity (the caller records a row instead), and takes one again once there is room", () => {
    const answered = answeredEvents(2, () => 100);
    const events = [issue(), issue(), issue()];
    assert.deepEqual(events.map((event) => answered.add(event, 115)), [true, true, false]);
    assert.equal(answered.add(events[0]!, 115), true, "one already remembered is not added twice");
    answered.remove(events[0]!.id);
    assert.equal(answered.add(events[2]!, 115), true);
  });
});
