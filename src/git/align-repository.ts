// Makes a repository's branches, tags and HEAD match a state event, in one ref transaction.

import type { RepositoryState } from "../nostr/repository-state.js";
import { refAlignment } from "../policy/winning-state.js";
import type { ObjectChecker } from "./object-checker.js";
import { noRef, readBranchesAndTags, readHead, setHead, updateRefs } from "./refs.js";

export async function alignRepository(repository: string, state: RepositoryState, objects: ObjectChecker): Promise<void> {
  const current = await readBranchesAndTags(repository);
  const missing = new Set(await objects.missingObjects(repository, [...state.refs.values()]));
  // Each change expects the ref where it was read: a push landing meanwhile is not overwritten.
  const changes = refAlignment(current, state, missing).changes.map((change) => ({ ...change, expected: current.get(change.ref) ?? noRef }));
  await updateRefs(repository, changes);
  if (state.head !== undefined && (await readHead(repository)) !== state.head) await setHead(repository, state.head);
}
