// NIP-34 repository state (kind 30618): `refs/heads/*` and `refs/tags/*` tags with an object
// id each, `<ref>^{}` tags with the peeled commit of an annotated tag, and `HEAD` as
// `ref: refs/heads/main` (or bare `refs/heads/main`), which is a symbolic value, not an object.

import type { NostrEvent } from "nostr-tools";
import { tagValue } from "./event.js";

export interface RepositoryState {
  id: string;
  author: string;
  identifier: string;
  createdAt: number;
  /** The branch and tag refs it declares, without HEAD or peeled entries. */
  refs: ReadonlyMap<string, string>;
  /** Every object that must exist for the state to be served: ref values and peeled commits. */
  objects: readonly string[];
  /** The branch HEAD points at, e.g. `refs/heads/main`. */
  head: string | undefined;
}

const objectId = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function isObjectId(value: string): boolean {
  return objectId.test(value);
}

function isDeclaredRef(name: string): boolean {
  return name.startsWith("refs/heads/") || name.startsWith("refs/tags/");
}

export function readRepositoryState(event: NostrEvent): RepositoryState {
  const refs = new Map<string, string>();
  const objects = new Set<string>();
  let head: string | undefined;
  for (const [name, value] of event.tags) {
    if (name === undefined || value === undefined) continue;
    if (name === "HEAD") {
      head = value.replace(/^ref:\s*/, "");
      continue;
    }
    const peeled = name.endsWith("^{}");
    const ref = peeled ? name.slice(0, -3) : name;
    if (!isDeclaredRef(ref)) continue;
    const oid = value.toLowerCase();
    objects.add(oid);
    if (!peeled) refs.set(ref, oid);
  }
  return {
    id: event.id,
    author: event.pubkey,
    identifier: tagValue(event, "d") ?? "",
    createdAt: event.created_at,
    refs,
    objects: [...objects],
    head,
  };
}

/** Why this state cannot be served as declared, or undefined when every value is an object id. */
export function repositoryStateProblem(state: RepositoryState): string | undefined {
  const bad = state.objects.find((oid) => !isObjectId(oid));
  if (bad !== undefined) return `declares "${bad.slice(0, 80)}", which is not a git object id`;
  if (state.head !== undefined && !state.head.startsWith("refs/heads/")) return `has HEAD "${state.head.slice(0, 80)}", which is not a branch`;
  return undefined;
}
