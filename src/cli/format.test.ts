import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newAuthor } from "../nostr/event-fixtures.js";
import { formatDuration, formatTable, isoTime, relativeTime, shortId, shortNpub, shortRepository } from "./format.js";

describe("formatDuration", () => {
  it("gives the largest whole unit", () => {
    const cases: [number, string][] = [
      [0, "0s"],
      [1, "1s"],
      [59, "59s"],
      [60, "1m"],
      [119, "1m"],
      [3599, "59m"],
      [3600, "1h"],
      [86399, "23h"],
      [86400, "1d"],
      [10 * 86400 + 3600, "10d"],
    ];
    for (const [seconds, text] of cases) assert.equal(formatDuration(seconds), text, `${seconds}`);
  });

  it("rounds fractions to whole seconds first", () => {
    assert.equal(formatDuration(0.4), "0s");
    assert.equal(formatDuration(59.5), "1m");
    assert.equal(formatDuration(3599.5), "1h");
  });

  it("never goes negative", () => {
    assert.equal(formatDuration(-5), "0s");
    assert.equal(formatDuration(-86400), "0s");
  });
});

describe("relativeTime", () => {
  it("says how long ago a past time was", () => {
    assert.equal(relativeTime(1000 - 12 * 60, 1000), "12m ago");
    assert.equal(relativeTime(1000, 1000), "0s ago");
  });

  it("says how far away a future time is", () => {
    assert.equal(relativeTime(1000 + 18 * 60, 1000), "in 18m");
    assert.equal(relativeTime(1001, 1000), "in 1s");
  });
});

describe("formatTable", () => {
  it("pads every column but the last to its widest cell, two spaces apart", () => {
    assert.equal(
      formatTable(
        ["ID", "KIND", "WAITING FOR"],
        [
          ["abcd1234", "state", "commits 1234abcd"],
          ["ef", "pull-request", "refs/nostr/ef at 00"],
        ],
      ),
      ["ID        KIND          WAITING FOR", "abcd1234  state         commits 1234abcd", "ef        pull-request  refs/nostr/ef at 00"].join("\n"),
    );
  });

  it("gives the header alone when there are no rows", () => {
    assert.equal(formatTable(["A", "B"], []), "A  B");
  });

  it("leaves no trailing spaces when the last cells are empty", () => {
    assert.equal(formatTable(["NAME", "NOTE"], [["x", ""]]), "NAME  NOTE\nx");
  });

  it("treats a missing cell as empty", () => {
    assert.equal(formatTable(["A", "B", "C"], [["1"]]), "A  B  C\n1");
  });
});

describe("short forms", () => {
  it("shortId is the first 8 characters", () => {
    assert.equal(shortId("0123456789abcdef"), "01234567");
  });

  it("shortNpub keeps the start and the end of the npub", () => {
    const author = newAuthor();
    assert.equal(shortNpub(author.pubkey), `${author.npub.slice(0, 10)}…${author.npub.slice(-4)}`);
  });

  it("shortRepository is npub1abc…wxyz/d, without .git", () => {
    const { npub } = newAuthor();
    const short = `${npub.slice(0, 10)}…${npub.slice(-4)}`;
    assert.equal(shortRepository(`${npub}/repo.git`), `${short}/repo`);
    assert.equal(shortRepository(`${npub}/repo`), `${short}/repo`);
    assert.equal(shortRepository(`${npub}/my.git.git`), `${short}/my.git`);
    assert.equal(shortRepository(`${npub}/dépôt.git`), `${short}/dépôt`);
  });

  it("isoTime is the UTC ISO form of unix seconds", () => {
    assert.equal(isoTime(0), "1970-01-01T00:00:00.000Z");
    assert.equal(isoTime(1_700_000_000), "2023-11-14T22:13:20.000Z");
  });
});
