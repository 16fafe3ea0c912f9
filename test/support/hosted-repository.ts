// What the end-to-end purgatory tests say about a repository on the dev server: its clone URL,
// its bare directory (read with git directly, as an operator would), and the nostr events
// that announce it and declare its state.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { NostrEvent } from "nostr-tools";
import type { DevServerProcess } from "./dev-server.js";
import type { Identity } from "./nostr-identity.js";
import { announcementTags } from "./nostr-identity.js";

export const kind = {
  announcement: 30617,
  state: 30618,
  pullRequest: 1618,
  pullRequestUpdate: 1619,
  deletion: 5,
  userGraspList: 10317,
} as const;

export const purgatoryAnswer: [boolean, string] = [true, "purgatory: won't be served until git data arrives"];
export const acceptedAnswer: [boolean, string] = [true, ""];

let counter = 0;
/** A `d` no other test uses. */
export const uniqueIdentifier = (name: string) => `${name}-${++counter}`;

export interface HostedRepository {
  owner: Identity;
  identifier: string;
  url: string;
  path: string;
  coordinate: string;
  exists(): boolean;
  /** Branches and tags (and refs/nostr/*) with the object each points at. */
  refs(prefix?: string): Map<string, string>;
  /** The branch HEAD points at. */
  head(): string | undefined;
  announcement(extraTags?: string[][]): NostrEvent;
  /** A state event by `author` (default: the owner) declaring these refs and HEAD. */
  state(refs: Record<string, string>, options?: { author?: Identity; head?: string; created_at?: number }): NostrEvent;
  /** A PR (1618) or PR update (1619) by `author` whose tip is `tip`. */
  pullRequest(author: Identity, tip: string, extraTags?: string[][], eventKind?: number): NostrEvent;
}

export function hostedRepository(server: DevServerProcess, owner: Identity, identifier: string): HostedRepository {
  const path = join(server.gitRoot, owner.npub, `${identifier}.git`);
  const coordinate = `${kind.announcement}:${owner.pubkey}:${identifier}`;
  return {
    owner,
    identifier,
    url: `${server.httpUrl}/${owner.npub}/${encodeURIComponent(identifier)}.git`,
    path,
    coordinate,
    exists: () => existsSync(path),
    refs(prefix = "refs/") {
      const output = execFileSync("git", ["--git-dir", path, "for-each-ref", "--format=%(refname) %(objectname)", prefix], { encoding: "utf8" });
      return new Map(output.split("\n").filter(Boolean).map((line) => line.split(" ") as [string, string]));
    },
    head() {
      const result = spawnSync("git", ["--git-dir", path, "symbolic-ref", "--quiet", "HEAD"], { encoding: "utf8" });
      return result.status === 0 ? result.stdout.trim() : undefined;
    },
    announcement: (extraTags = []) => owner.sign({ kind: kind.announcement, tags: announcementTags(owner, identifier, server.serviceHost, extraTags) }),
    state(refs, options = {}) {
      const tags = [["d", identifier], ...Object.entries(refs).map(([ref, oid]) => [ref, oid])];
      if (options.head !== undefined) tags.push(["HEAD", options.head]);
      return (options.author ?? owner).sign({ kind: kind.state, tags, ...(options.created_at === undefined ? {} : { created_at: options.created_at }) });
    },
    pullRequest: (author, tip, extraTags = [], eventKind = kind.pullRequest) =>
      author.sign({
        kind: eventKind,
        content: eventKind === kind.pullRequest ? "please pull" : "",
        tags: [["a", coordinate], ["p", owner.pubkey], ["c", tip], ...(eventKind === kind.pullRequest ? [["subject", "a change"]] : []), ...extraTags],
      }),
  };
}

/** The short ids git and our messages print. */
export const short = (oid: string) => oid.slice(0, 8);
