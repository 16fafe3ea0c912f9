import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import { maxIdentifierBytes } from "../nostr/nip34.js";
import { newAuthor } from "../nostr/event-fixtures.js";
import { repositoryIdentifierIsSafe } from "./repository-identifier-is-safe.js";
import { ruleInput } from "./view-fixture.js";

const author = newAuthor();
const rule = repositoryIdentifierIsSafe();
const decideTags = (kind: number, tags: string[][]) => rule(ruleInput(author.sign({ kind, tags })));

describe("repositoryIdentifierIsSafe", () => {
  for (const kind of [kinds.RepositoryAnnouncement, kinds.RepositoryState]) {
    describe(`kind ${kind}`, () => {
      const rejected: [string, string[][], string][] = [
        ["no d tag", [], `invalid: kind ${kind} has no d tag`],
        ["a d tag without a value", [["d"]], `invalid: kind ${kind} has no d tag`],
        ["an empty d", [["d", ""]], `invalid: kind ${kind} has an empty d tag`],
        [".", [["d", "."]], `invalid: kind ${kind} has d tag ".", which is not a directory name`],
        ["..", [["d", ".."]], `invalid: kind ${kind} has d tag "..", which is not a directory name`],
        ["a slash", [["d", "a/b"]], `invalid: kind ${kind} has a d tag containing '/'`],
        ["a climbing path", [["d", "../../etc"]], `invalid: kind ${kind} has a d tag containing '/'`],
        ["a lone slash", [["d", "/"]], `invalid: kind ${kind} has a d tag containing '/'`],
        ["a backslash", [["d", "a\\b"]], `invalid: kind ${kind} has a d tag containing '\\'`],
        ["a climbing backslash path", [["d", "..\\..\\x"]], `invalid: kind ${kind} has a d tag containing '\\'`],
        ["a NUL", [["d", "a\0b"]], `invalid: kind ${kind} has a d tag containing a NUL character`],
        [
          "one byte too many",
          [["d", "x".repeat(maxIdentifierBytes + 1)]],
          `invalid: kind ${kind} has a d tag of ${maxIdentifierBytes + 1} bytes, more than the ${maxIdentifierBytes} allowed`,
        ],
        [
          "few characters but too many bytes",
          [["d", "é".repeat(101)]],
          `invalid: kind ${kind} has a d tag of 202 bytes, more than the ${maxIdentifierBytes} allowed`,
        ],
        [
          "four-byte characters over the limit",
          [["d", "😀".repeat(51)]],
          `invalid: kind ${kind} has a d tag of 204 bytes, more than the ${maxIdentifierBytes} allowed`,
        ],
        ["a bad first d, even with a good second", [["d", ".."], ["d", "good"]], `invalid: kind ${kind} has d tag "..", which is not a directory name`],
      ];
      for (const [name, tags, msg] of rejected) {
        it(`rejects ${name}`, () => {
          assert.deepEqual(decideTags(kind, tags), { action: "reject", msg });
        });
      }

      const accepted: [string, string][] = [
        ["a plain name", "my-repo"],
        ["dots inside", "my.repo..v2"],
        ["three dots", "..."],
        ["a leading dot", ".dotfiles"],
        ["spaces", "hello world"],
        ["unicode", "dépôt-日本語-😀"],
        ["exactly the byte limit", "x".repeat(maxIdentifierBytes)],
        ["multibyte exactly at the limit", "é".repeat(maxIdentifierBytes / 2)],
        ["a colon and percent", "a:b%2F"],
      ];
      for (const [name, d] of accepted) {
        it(`accepts ${name}`, () => {
          assert.deepEqual(decideTags(kind, [["d", d]]), { action: "accept", msg: "" });
        });
      }
    });
  }

  it("does not look at other kinds, even those with a d tag", () => {
    for (const kind of [kinds.ShortTextNote, kinds.Patch, kinds.GitPullRequest, 30023, kinds.UserGraspList]) {
      assert.equal(decideTags(kind, [["d", "../x"]]).action, "accept", `kind ${kind}`);
      assert.equal(decideTags(kind, []).action, "accept", `kind ${kind}`);
    }
  });
});
