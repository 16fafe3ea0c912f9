import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidArgumentError } from "commander";
import { newAuthor } from "../nostr/event-fixtures.js";
import { entryTypes } from "./entries.js";
import { parseAuthor, parseDuration, parseEntryType } from "./option-parsers.js";

function assertInvalid(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError, String(error));
    assert.equal(error.message, message);
    return true;
  });
}

describe("parseDuration", () => {
  it("reads seconds, minutes, hours and days, and plain seconds", () => {
    assert.equal(parseDuration("90s"), 90);
    assert.equal(parseDuration("5m"), 300);
    assert.equal(parseDuration("2h"), 7200);
    assert.equal(parseDuration("1d"), 86400);
    assert.equal(parseDuration("42"), 42);
    assert.equal(parseDuration("0"), 0);
    assert.equal(parseDuration(" 5m "), 300);
  });

  it("refuses anything else, saying what would do", () => {
    for (const value of ["", "m", "5 m", "1.5m", "-5", "5M", "5w", "5mm", "1h30m", "five"]) {
      assertInvalid(() => parseDuration(value), `"${value}" is not a duration: use e.g. 90s, 5m, 2h or 1d`);
    }
  });
});

describe("parseAuthor", () => {
  const author = newAuthor();

  it("takes a 64-hex pubkey as it is", () => {
    assert.equal(parseAuthor(author.pubkey), author.pubkey);
  });

  it("turns an npub into its hex pubkey", () => {
    assert.equal(parseAuthor(author.npub), author.pubkey);
  });

  it("refuses upper-case hex, short hex, an nsec or a broken npub", () => {
    const broken = `${author.npub.slice(0, -1)}${author.npub.endsWith("q") ? "p" : "q"}`;
    for (const value of [author.pubkey.toUpperCase(), author.pubkey.slice(1), "nsec1xyz", broken, ""]) {
      assertInvalid(() => parseAuthor(value), `"${value}" is neither an npub nor a 64-hex pubkey`);
    }
  });
});

describe("parseEntryType", () => {
  it("takes every entry type by name", () => {
    for (const type of entryTypes) assert.equal(parseEntryType(type), type);
  });

  it("takes pr and pr-update as short names", () => {
    assert.equal(parseEntryType("pr"), "pull-request");
    assert.equal(parseEntryType("pr-update"), "pull-request-update");
  });

  it("refuses anything else, listing what it takes", () => {
    for (const value of ["states", "PR", "30618", ""]) {
      assertInvalid(
        () => parseEntryType(value),
        `"${value}" is not a kind of entry: use one of announcement, state, pull-request, pull-request-update, placeholder, other (or pr, pr-update)`,
      );
    }
  });
});
