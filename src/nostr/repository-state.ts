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

/** What git's check-ref-format would refuse in a ref name (so `update-ref` cannot fail on it). */
export function refNameProblem(ref: string): string | undefined {
  if (ref.length > 1024) return "is longer than 1024 characters";
  // Control characters, space and git's specials ~ ^ : ? * [ \ are never allowed.
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return "has a character git does not allow in ref names";
  if (ref.includes("..") || ref.includes("@{")) return "contains '..' or '@{'";
  const components = ref.split("/");
  if (components.some((component) => component === "" || component.startsWith(".") || component.endsWith(".lock"))) {
    return "has an empty component, one starting with '.' or one ending in '.lock'";
  }
  if (ref.endsWith(".")) return "ends with '.'";
  return undefined;
}

/** Why this state is refused: a ref name or a HEAD git cannot hold. Undefined when git can hold every ref it declares. */
export function repositoryStateProblem(state: RepositoryState): string | undefined {
  for (const ref of state.refs.keys()) {
    const problem = refNameProblem(ref);
    if (problem !== undefined) return `declares ref "${ref.slice(0, 80)}", which ${problem}`;
  }
  if (state.head === undefined) return undefined;
  if (!state.head.startsWith("refs/heads/")) return `has HEAD "${state.head.slice(0, 80)}", which is not a branch`;
  const headProblem = refNameProblem(state.head);
  if (headProblem !== undefined) return `has HEAD "${state.head.slice(0, 80)}", which ${headProblem}`;
  return undefined;
}

/**
 * Declared values that are not git object ids (a compliance suite sends `abc123`). Such a
 * state is held like any incomplete one: it can never complete, so it expires.
 */
export function valuesThatAreNotObjects(state: RepositoryState): string[] {
  return state.objects.filter((oid) => !isObjectId(oid));
}
