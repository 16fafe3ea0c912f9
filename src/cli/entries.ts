// Held events and placeholders as operators see them: what each is, which repository it
// belongs to, and what it still waits for (read from git now).

import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { repositoryName } from "../git/repository-path.js";
import { readRepositoryState, valuesThatAreNotObjects } from "../nostr/repository-state.js";
import { tagValue } from "../nostr/event.js";
import { gatherGitFacts } from "../plugin/gather-git-facts.js";
import type { GitFacts } from "../policy/git-facts.js";
import type { HeldEvent, Placeholder } from "../purgatory/held-events.js";
import { shortId } from "./format.js";
import type { StoreAccess } from "./store-access.js";

export const entryTypes = ["announcement", "state", "pull-request", "pull-request-update", "placeholder", "other"] as const;
export type EntryType = (typeof entryTypes)[number];

export interface Entry {
  type: EntryType;
  id: string;
  kind: number | undefined;
  author: string | undefined;
  /** `<npub>/<d>.git` names. */
  repositories: string[];
  arrivedAt: number;
  expiresAt: number;
  /** What must still arrive, in words: missing commits, a push, a PR event. */
  waitingFor: string[];
  event: NostrEvent | undefined;
  /** For placeholders: the commit pushed to refs/nostr/<id>. */
  tip: string | undefined;
  git: GitFacts | undefined;
}

export function entryTypeOfKind(kind: number): EntryType {
  if (kind === kinds.RepositoryAnnouncement) return "announcement";
  if (kind === kinds.RepositoryState) return "state";
  if (kind === kinds.GitPullRequest) return "pull-request";
  if (kind === kinds.GitPullRequestUpdate) return "pull-request-update";
  return "other";
}

/** Missing objects, abbreviated, as a reader scans them. */
function abbreviate(oids: readonly string[]): string {
  const shown = oids.slice(0, 3).map(shortId).join(", ");
  return oids.length > 3 ? `${shown} +${oids.length - 3} more` : shown;
}

export function describeWaitingFor(type: EntryType, event: NostrEvent | undefined, git: GitFacts | undefined): string[] {
  if (git === undefined || event === undefined) return [];
  if (type === "announcement") return git.repositories.some((repository) => repository.hasData) ? ["release (data present)"] : ["a first push"];
  if (type === "state") {
    const notObjects = valuesThatAreNotObjects(readRepositoryState(event));
    if (notObjects.length > 0) return [`nothing: ${notObjects.map((value) => JSON.stringify(value.slice(0, 40))).join(", ")} is not a git object id; the author must publish a corrected state`];
    if (git.repositories.length === 0) return ["a maintainer's announcement for its d"];
    return git.repositories.map((repository) =>
      repository.missingObjects.length === 0 ? "release (data present)" : `commits ${abbreviate(repository.missingObjects)}`,
    );
  }
  if (type === "pull-request" || type === "pull-request-update") {
    const tip = tagValue(event, "c") ?? "";
    return [`refs/nostr/${shortId(event.id)} at ${shortId(tip)}`];
  }
  return [];
}

async function heldEntry(held: HeldEvent, store: StoreAccess): Promise<Entry> {
  const { event } = held;
  const type = entryTypeOfKind(event.kind);
  const facts = await gatherGitFacts(event, store.view, {
    service: store.config.service,
    repositoriesPerState: store.config.limits.repositoriesPerState,
    gitRoot: store.config.gitRoot,
    objects: store.objects,
  });
  const repositories =
    facts.repositories.length > 0
      ? facts.repositories.map((repository) => repository.repository)
      : type === "announcement" || type === "state"
        ? [repositoryName(event.pubkey, tagValue(event, "d") ?? "")]
        : [];
  return {
    type,
    id: event.id,
    kind: event.kind,
    author: event.pubkey,
    repositories,
    arrivedAt: held.arrivedAt,
    expiresAt: held.expiresAt,
    waitingFor: describeWaitingFor(type, event, facts),
    event,
    tip: undefined,
    git: facts,
  };
}

function placeholderEntry(placeholder: Placeholder): Entry {
  return {
    type: "placeholder",
    id: placeholder.eventId,
    kind: undefined,
    author: undefined,
    repositories: [placeholder.repository],
    arrivedAt: placeholder.arrivedAt,
    expiresAt: placeholder.expiresAt,
    waitingFor: [`PR event ${shortId(placeholder.eventId)} (c = ${shortId(placeholder.tip)})`],
    event: undefined,
    tip: placeholder.tip,
    git: undefined,
  };
}

export async function readEntries(store: StoreAccess): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (const held of store.purgatory.all()) entries.push(await heldEntry(held, store));
  for (const placeholder of store.purgatory.allPlaceholders()) entries.push(placeholderEntry(placeholder));
  return entries;
}

export interface EntryFilters {
  repository?: string | undefined;
  type?: EntryType | undefined;
  author?: string | undefined;
  expiringWithinSeconds?: number | undefined;
}

/** Filters and sorts by time left, soonest first. */
export function selectEntries(entries: readonly Entry[], filters: EntryFilters, now: number): Entry[] {
  return entries
    .filter((entry) => filters.type === undefined || entry.type === filters.type)
    .filter((entry) => filters.author === undefined || entry.author === filters.author)
    .filter(
      (entry) =>
        filters.repository === undefined ||
        entry.repositories.some((name) => name === filters.repository || name === `${filters.repository}.git`),
    )
    .filter((entry) => filters.expiringWithinSeconds === undefined || entry.expiresAt - now <= filters.expiringWithinSeconds)
    .sort((a, b) => a.expiresAt - b.expiresAt || (a.id < b.id ? -1 : 1));
}

/** Finds one entry by full or unambiguous short id. */
export function findEntry(entries: readonly Entry[], id: string): Entry[] {
  return entries.filter((entry) => entry.id.startsWith(id.toLowerCase()));
}
