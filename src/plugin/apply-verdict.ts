// What a verdict commits before the answer goes to strfry, and what happens once strfry has
// (or has not) stored the event. The answer stays small: one transaction that holds the event,
// or records it as provisionally accepted with the effects it needs waiting as jobs (an event
// that needs nothing, such as an issue, is only remembered in memory until strfry has it). Only
// repository creation runs before the answer (ngit polls for the repository for just 15 s).
// Everything that depends on strfry having stored the event runs after it is seen there.

import { existsSync } from "node:fs";
import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import type { ServiceAddress } from "../config.js";
import { createRepository } from "../git/create-repository.js";
import type { HookInstallation } from "../git/install-hooks.js";
import type { ObjectChecker } from "../git/object-checker.js";
import { repositoryName, repositoryPath } from "../git/repository-path.js";
import { isNewerEvent } from "../nostr/coordinates.js";
import { readAnnouncement } from "../nostr/nip34.js";
import { missingServiceListings } from "../policy/announcement-lists-service.js";
import { planEffects } from "../policy/effects.js";
import type { Effect } from "../policy/effects.js";
import type { GitFacts } from "../policy/git-facts.js";
import { pullRequestKinds } from "../policy/pull-request-tip-exists.js";
import type { Verdict } from "../policy/verdict.js";
import type { ServerView } from "../policy/view.js";
import type { AcceptedIndex } from "../purgatory/accepted-index.js";
import type { Db } from "../purgatory/database.js";
import type { Deletions } from "../purgatory/deletions.js";
import type { Purgatory } from "../purgatory/held-events.js";
import type { Jobs } from "../purgatory/jobs.js";
import { writeTransaction } from "../purgatory/database.js";

export interface EffectContext {
  db: Db;
  service: ServiceAddress;
  /** The index, the purgatory and the deletions as the rules see them. */
  view: ServerView;
  gitRoot: string;
  hooks: HookInstallation;
  index: AcceptedIndex;
  purgatory: Purgatory;
  deletions: Deletions;
  jobs: Jobs;
  objects: ObjectChecker;
  purgatoryTtlSeconds: number;
}

/** How long strfry has to store an accepted event before we ask it (its plugin timeout is 10 s by default). */
export const provisionalGraceSeconds = 15;

const listsService = (event: NostrEvent, context: EffectContext) =>
  event.kind === kinds.RepositoryAnnouncement && missingServiceListings(readAnnouncement(event), context.service).length === 0;

/** Returns how many jobs may run at once (a hold's), so the caller knows whether to start them. */
export async function applyVerdict(event: NostrEvent, verdict: Verdict, git: GitFacts, context: EffectContext, now: number): Promise<number> {
  if (verdict.action === "reject") return 0;
  if (event.kind === kinds.RepositoryAnnouncement && listsService(event, context) && isCurrentAnnouncement(event, context)) {
    const { identifier } = readAnnouncement(event);
    const path = repositoryPath(context.gitRoot, event.pubkey, identifier);
    const isNew = !existsSync(path);
    await createRepository(path, context.hooks);
    if (isNew) context.purgatory.recordRepositoryCreation(event.pubkey, repositoryName(event.pubkey, identifier), now);
  }
  const effects = planEffects(event, verdict, git);
  if (verdict.action === "hold") {
    holdEvent(event, effects.now, context, now);
    return effects.now.length;
  }
  // Its jobs wait for strfry to store it (the follower starts them).
  recordAcceptance(event, effects.afterStored, context, now);
  return 0;
}

/** Not older than the announcement already known for its repository (a resubmission finds its repository made). */
function isCurrentAnnouncement(event: NostrEvent, context: EffectContext): boolean {
  if (context.view.isHeld(event.id) || context.index.isIndexed(event.id)) return false;
  const current = context.view.announcement(event.pubkey, readAnnouncement(event).identifier);
  return current === undefined || isNewerEvent(event, { id: current.id, created_at: current.createdAt });
}

function holdEvent(event: NostrEvent, effects: readonly Effect[], context: EffectContext, now: number): void {
  writeTransaction(context.db, () => {
    for (const effect of effects) {
      if (effect.type === "delete-ref") context.purgatory.removePlaceholder(event.id, effect.repository, "dropped", now);
    }
    context.jobs.enqueue(event.id, effects, true, now);
    context.purgatory.hold(event, now, context.purgatoryTtlSeconds);
  })();
}

/** The policy answers accept (or a release is about to deliver the event): provisional until strfry has it. */
export function recordAcceptance(event: NostrEvent, effects: readonly Effect[], context: EffectContext, now: number): void {
  // An issue or a comment commits nothing before the answer: the follower records it from strfry.
  if (effects.length === 0 && context.index.noteAnswered(event, now + provisionalGraceSeconds)) return;
  writeTransaction(context.db, () => {
    if (!context.index.recordProvisional(event, now + provisionalGraceSeconds, { listsService: listsService(event, context) })) return;
    context.jobs.enqueue(event.id, effects, context.index.isStored(event.id), now);
    // The author's intent holds whatever strfry does with the deletion itself.
    if (event.kind === kinds.EventDeletion) applyDeletion(event, context, now);
  })();
}

function applyDeletion(deletion: NostrEvent, context: EffectContext, now: number): void {
  context.deletions.remember(deletion);
  context.index.applyDeletion(deletion);
  for (const withdrawn of context.purgatory.withdraw(deletion, now)) {
    if (withdrawn.kind !== kinds.RepositoryAnnouncement) continue;
    const announcement = readAnnouncement(withdrawn.event);
    context.jobs.enqueue(withdrawn.id, [{ type: "remove-unused-repository", owner: announcement.owner, identifier: announcement.identifier }], true, now);
  }
}

/**
 * strfry has the event (the follower saw it, or a look-up found it): it is accepted now. It
 * leaves the purgatory, its waiting jobs may run, and a PR's placeholders are done.
 */
export function confirmStored(event: NostrEvent, context: EffectContext, now: number): void {
  writeTransaction(context.db, () => {
    context.index.recordStored(event, { listsService: listsService(event, context) });
    context.jobs.markReady(event.id, now);
    if (event.kind === kinds.EventDeletion) applyDeletion(event, context, now);
    if (pullRequestKinds.has(event.kind)) {
      for (const placeholder of context.purgatory.placeholdersFor(event.id)) {
        context.purgatory.removePlaceholder(event.id, placeholder.repository, "released", now);
      }
    }
    context.purgatory.remove(event.id, "released", now);
  })();
}

/** strfry answered, and it does not have the event: what we recorded as accepted goes. */
export function forgetUnstored(id: string, context: EffectContext): void {
  writeTransaction(context.db, () => {
    if (context.index.isStored(id)) return;
    context.index.forget(id);
    context.jobs.discardWaiting(id);
  })();
}
