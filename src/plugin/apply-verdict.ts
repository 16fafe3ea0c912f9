// What a verdict does besides the answer line. Accepting records the event in the index and
// carries out what it asks of git (create the repository, align refs to a state, point a PR
// ref at its tip); holding puts it in the purgatory. All of it is committed before strfry
// hears the answer, so the hooks that run next see it.

import { kinds } from "nostr-tools";
import type { NostrEvent } from "nostr-tools";
import type { ServiceAddress } from "../config.js";
import { alignRepository } from "../git/align-repository.js";
import { copyObjects } from "../git/copy-objects.js";
import { winningCompleteState } from "../git/winning-complete-state.js";
import { createRepository } from "../git/create-repository.js";
import type { HookInstallation } from "../git/install-hooks.js";
import type { ObjectChecker } from "../git/object-checker.js";
import { updateRefs } from "../git/refs.js";
import { repositoryPath } from "../git/repository-path.js";
import { isNewerEvent } from "../nostr/coordinates.js";
import { tagValue } from "../nostr/event.js";
import { readAnnouncement } from "../nostr/nip34.js";
import { readRepositoryState } from "../nostr/repository-state.js";
import { missingServiceListings } from "../policy/announcement-lists-service.js";
import type { GitFacts } from "../policy/git-facts.js";
import { pullRequestKinds } from "../policy/pull-request-tip-exists.js";
import type { Verdict } from "../policy/verdict.js";
import type { ServerView } from "../policy/view.js";
import type { AcceptedIndex } from "../purgatory/accepted-index.js";
import type { Purgatory } from "../purgatory/held-events.js";
import { repositoryStates } from "../purgatory/repository-states.js";
import { join } from "node:path";

export interface EffectContext {
  service: ServiceAddress;
  /** The index and the purgatory as the rules see them. */
  view: ServerView;
  gitRoot: string;
  hooks: HookInstallation;
  index: AcceptedIndex;
  purgatory: Purgatory;
  objects: ObjectChecker;
  purgatoryTtlSeconds: number;
}

export async function applyVerdict(event: NostrEvent, verdict: Verdict, git: GitFacts, context: EffectContext, now: number): Promise<void> {
  if (verdict.action === "accept") await acceptEvent(event, git, context, now);
  if (verdict.action === "hold") await holdEvent(event, git, context, now);
}

function pathOf(context: EffectContext, repository: string): string {
  return join(context.gitRoot, repository);
}

async function holdEvent(event: NostrEvent, git: GitFacts, context: EffectContext, now: number): Promise<void> {
  // A resubmission (strfry resends what it did not store) finds its repository made already.
  if (event.kind === kinds.RepositoryAnnouncement && !context.view.isHeld(event.id)) {
    // ngit polls for the repository for 15 s after publishing, so it exists at once.
    const announcement = readAnnouncement(event);
    await createRepository(repositoryPath(context.gitRoot, announcement.owner, announcement.identifier), context.hooks);
    context.index.recordHeldAnnouncement(event, { listsService: true });
  }
  if (pullRequestKinds.has(event.kind)) {
    // A ref at another commit is someone's wrong guess: remove it so the right tip can be pushed.
    for (const repository of git.repositories) {
      if (repository.nostrRef === undefined || repository.nostrRef === tagValue(event, "c")) continue;
      await updateRefs(pathOf(context, repository.repository), [{ ref: `refs/nostr/${event.id}`, oid: undefined }]);
      context.purgatory.removePlaceholder(event.id, repository.repository, "dropped", now);
    }
  }
  context.purgatory.hold(event, now, context.purgatoryTtlSeconds);
}

/** Accepting an event, whether it is new or leaves the purgatory now (a release). */
export async function acceptEvent(event: NostrEvent, git: GitFacts, context: EffectContext, now: number): Promise<void> {
  if (event.kind === kinds.RepositoryAnnouncement) {
    const announcement = readAnnouncement(event);
    const listsService = missingServiceListings(announcement, context.service).length === 0;
    const current = context.index.view.announcement(announcement.owner, announcement.identifier);
    const isCurrent = current === undefined || current.id === event.id || isNewerEvent(event, { id: current.id, created_at: current.createdAt });
    if (listsService && isCurrent) {
      await createRepository(repositoryPath(context.gitRoot, announcement.owner, announcement.identifier), context.hooks);
    }
    context.index.recordAccepted(event, { listsService });
  } else if (event.kind === kinds.RepositoryState) {
    // Align first: if git refuses (a branch at a tree, say) the event is answered with the
    // error and not recorded, so index and repository never disagree.
    const latest = context.index.view.latestAcceptedState(event.pubkey, tagValue(event, "d") ?? "");
    if (latest === undefined || latest.id === event.id || isNewerEvent(event, { id: latest.id, created_at: latest.createdAt })) {
      await alignToState(event, git, context);
    }
    context.index.recordAccepted(event);
  } else if (pullRequestKinds.has(event.kind)) {
    const tip = tagValue(event, "c")!;
    for (const repository of git.repositories) {
      if (repository.nostrRef === undefined && repository.missingObjects.length === 0) {
        await updateRefs(pathOf(context, repository.repository), [{ ref: `refs/nostr/${event.id}`, oid: tip }]);
      }
      context.purgatory.removePlaceholder(event.id, repository.repository, "released", now);
    }
    context.index.recordAccepted(event);
  } else {
    if (event.kind === kinds.EventDeletion) {
      context.index.applyDeletion(event);
      for (const withdrawn of context.purgatory.withdraw(event, now)) {
        if (withdrawn.kind === kinds.RepositoryAnnouncement) context.index.forgetHeldAnnouncement(withdrawn.id);
      }
    }
    context.index.recordAccepted(event);
  }
  context.purgatory.remove(event.id, "released", now);
}

/**
 * Aligns every repository the state is authoritative for, copying objects where one lacks
 * them. Each follows its winning complete state, which is this one unless a newer one is
 * already complete (then this release must not roll the repository back).
 */
async function alignToState(event: NostrEvent, git: GitFacts, context: EffectContext): Promise<void> {
  const state = readRepositoryState(event);
  const complete = git.repositories.find((repository) => repository.missingObjects.length === 0);
  for (const repository of git.repositories) {
    const path = pathOf(context, repository.repository);
    if (repository.missingObjects.length > 0 && complete !== undefined) {
      await copyObjects(pathOf(context, complete.repository), path, repository.missingObjects);
    }
    const states = repositoryStates(context.index, context.purgatory, repository.owner, state.identifier);
    const winner = await winningCompleteState(path, { ...states, heldStates: [...states.heldStates, state] }, context.objects);
    await alignRepository(path, winner ?? state, context.objects);
  }
}
