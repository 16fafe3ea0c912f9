// The one executor of effects (src/policy/effects.ts). Each effect is idempotent and reads git
// as it is when it runs, so a job retried after a crash or run late does the right thing.

import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { alignRepository } from "../git/align-repository.js";
import { copyObjects } from "../git/copy-objects.js";
import type { ObjectChecker } from "../git/object-checker.js";
import { pruneUnreferenced } from "../git/prune.js";
import { isReceivingPush } from "../git/quarantine.js";
import { noRef, readBranchesAndTags, readRef, updateRefs } from "../git/refs.js";
import { assertInsideGitRoot, repositoryPath } from "../git/repository-path.js";
import { winningCompleteState } from "../git/winning-complete-state.js";
import { log } from "../log.js";
import type { Effect } from "../policy/effects.js";
import type { ServerView } from "../policy/view.js";
import type { AcceptedIndex } from "../purgatory/accepted-index.js";
import type { Purgatory } from "../purgatory/held-events.js";
import { repositoryStates } from "../purgatory/repository-states.js";

export interface EffectRunContext {
  gitRoot: string;
  view: ServerView;
  index: AcceptedIndex;
  purgatory: Purgatory;
  objects: ObjectChecker;
}

function pathIn(gitRoot: string, repository: string): string {
  const path = join(gitRoot, repository);
  assertInsideGitRoot(gitRoot, path);
  return path;
}

export async function runEffect(effect: Effect, context: EffectRunContext, now: number): Promise<void> {
  if (effect.type === "align-repository") {
    const path = pathIn(context.gitRoot, effect.repository);
    if (!existsSync(path)) return;
    if (effect.copyFrom !== undefined && effect.objects !== undefined) {
      const missing = await context.objects.missingObjects(path, effect.objects);
      if (missing.length > 0) {
        await copyObjects(pathIn(context.gitRoot, effect.copyFrom), path, missing);
        // New data here may complete this repository's held announcement.
        context.purgatory.recordPush(effect.repository, now);
      }
    }
    const states = repositoryStates(context.view, context.index, context.purgatory, effect.owner, effect.identifier);
    const winner = await winningCompleteState(path, states, context.objects);
    if (winner !== undefined) await alignRepository(path, winner, context.objects);
    return;
  }
  if (effect.type === "set-pull-request-ref") {
    const path = pathIn(context.gitRoot, effect.repository);
    const ref = `refs/nostr/${effect.eventId}`;
    if (!existsSync(path) || (await readRef(path, ref)) !== undefined) return;
    await updateRefs(path, [{ ref, oid: effect.tip, expected: noRef }]);
    return;
  }
  if (effect.type === "delete-ref") {
    const path = pathIn(context.gitRoot, effect.repository);
    if (!existsSync(path) || (await readRef(path, effect.ref)) !== effect.expected) return;
    await updateRefs(path, [{ ref: effect.ref, oid: undefined, expected: effect.expected }]);
    return;
  }
  if (effect.type === "prune-repository") {
    const path = pathIn(context.gitRoot, effect.repository);
    if (!existsSync(path)) return;
    // Never during a push: its objects are not referenced until its refs are updated.
    if (await isReceivingPush(path)) throw new Error(`${effect.repository} is receiving a push; pruning later`);
    await pruneUnreferenced(path, effect.olderThanSeconds);
    log.info("pruned objects nothing references", { repository: effect.repository });
    return;
  }
  const path = repositoryPath(context.gitRoot, effect.owner, effect.identifier);
  if (!existsSync(path)) return;
  // Kept while an accepted or held announcement still asks this server to host it.
  if (context.view.announcement(effect.owner, effect.identifier)?.listsService === true) return;
  const hasData = await readBranchesAndTags(path).then((refs) => refs.size > 0, () => true);
  if (!hasData) await rm(path, { recursive: true, force: true });
}
