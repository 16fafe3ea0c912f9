import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidArgumentError } from "commander";
import { newAuthor } from "../nostr/event-fixtures.js";
import { entryTypes } from "./entries.js";
import { parseAuthor, parseCount, parseDuration, parseEntryType, parsePort } from "./option-parsers.js";

function assertInvalid(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError, String(error));
    assert.equal(error.message, message);
    return true;
  });
}

describe("parseDuration", () => {
  it("reads seconds, minutes, hours and days", () => {
    assert.equal(parseDuration("90s"), 90);
    assert.equal(parseDuration("5m"), 300);
    assert.equal(parseDuration("2h"), 7200);
    assert.equal(parseDuration("1d"), 86400);
    assert.equal(parseDuration("0s"), 0);
    assert.equal(parseDuration(" 5m "), 300);
  });

  it("refuses a bare number, offering it with each unit", () => {
    assertInvalid(() => parseDuration("42"), `"42" needs a unit: use e.g. 42s, 42m, 42h or 42d`);
    assertInvalid(() => parseDuration(" 5 "), `" 5 " needs a unit: use e.g. 5s, 5m, 5h or 5d`);
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

describe("parsePort and parseCount", () => {
  it("take whole numbers in range", () => {
    assert.equal(parsePort("1"), 1);
    assert.equal(parsePort("65535"), 65535);
    assert.equal(parseCount("16"), 16);
  });

  it("refuse anything else, saying what would do", () => {
    for (const value of ["0", "65536", "80.5", "-1", "http", ""]) assertInvalid(() => parsePort(value), `"${value}" is not a port: give a number from 1 to 65535`);
    for (const value of ["0", "1.5", "-2", "many"]) assertInvalid(() => parseCount(value), `"${value}" is not a count: give a whole number above 0`);
  });
});
