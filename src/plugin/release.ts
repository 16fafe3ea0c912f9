// Releasing held events whose git data has arrived. A request names a repository but is only
// a hint: every event is decided again by the same rules against git as it is now, so a
// forged or repeated request cannot release anything incomplete. An event leaves the
// purgatory only once strfry is seen to store it; a release strfry refused or never stored
// stays held and is retried with backoff until it expires, and the history says why.

import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { errorMessage, log } from "../log.js";
import { isNewerEvent } from "../nostr/coordinates.js";
import { tagValue } from "../nostr/event.js";
import { planEffects } from "../policy/effects.js";
import { maintainerSet } from "../policy/maintainers.js";
import { decide } from "../policy/pipeline.js";
import { pullRequestKinds } from "../policy/pull-request-tip-exists.js";
import { releaseSource } from "../policy/rule.js";
import type { Rule } from "../policy/rule.js";
import type { EffectContext } from "./apply-verdict.js";
import { confirmStored, recordAcceptance } from "./apply-verdict.js";
import type { GitFactsContext } from "./gather-git-facts.js";
import { gatherGitFacts } from "./gather-git-facts.js";
import { pluginRestartMessage } from "./protocol.js";
import type { ReleaseSink } from "./release-sink.js";
import type { StrfryStore } from "./strfry-store.js";

export interface ReleaseContext extends EffectContext, GitFactsContext {
  rules: Rule[];
  holdLimits: Rule[];
  sink: ReleaseSink;
  strfry: StrfryStore;
}

export interface ReleaseReport {
  released: string[];
  dropped: string[];
  failed: { id: string; message: string }[];
}

/** SPEC §5 order: announcement, then states oldest first, then PRs. */
const kindOrder = (kind: number) => (kind === kinds.RepositoryAnnouncement ? 0 : kind === kinds.RepositoryState ? 1 : 2);

export function releaseOrder(events: readonly NostrEvent[]): NostrEvent[] {
  return [...events].sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind) || a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
}

/** Seconds before the next attempt at a release that failed `attempts` times: 5 s doubling, at most 5 minutes. */
export function releaseRetryDelaySeconds(attempts: number): number {
  return Math.min(5 * 2 ** Math.min(attempts, 10), 300);
}

/** Held events that a push to the repository `<owner>/<d>` may have completed. */
export function heldForRepository(context: ReleaseContext, owner: string, identifier: string): NostrEvent[] {
  const maintainers = maintainerSet(owner, (pubkey) => context.view.announcement(pubkey, identifier));
  return context.purgatory
    .heldWithIdentifier(identifier)
    .map((held) => held.event)
    .filter((event) => {
      // Any owner's: the state's objects may have been copied into their repositories too.
      if (event.kind === kinds.RepositoryAnnouncement) return true;
      if (event.kind === kinds.RepositoryState) return maintainers.has(event.pubkey);
      return pullRequestKinds.has(event.kind);
    });
}

export function newReport(): ReleaseReport {
  return { released: [], dropped: [], failed: [] };
}

const unixNow = () => Math.floor(Date.now() / 1000);

/** Releases `event` if it is still held and now complete; records the outcome in `report`. */
export async function releaseIfComplete(event: NostrEvent, context: ReleaseContext, report: ReleaseReport): Promise<void> {
  const { view } = context;
  if (!view.isHeld(event.id)) return;
  const now = unixNow();
  if (event.kind === kinds.RepositoryState) {
    const latest = view.latestAcceptedState(event.pubkey, tagValue(event, "d") ?? "");
    if (latest !== undefined && latest.id !== event.id && !isNewerEvent(event, { id: latest.id, created_at: latest.createdAt })) {
      // strfry would drop it as replaced; it must not authorise pushes either.
      context.purgatory.remove(event.id, "dropped", now, `older than accepted state ${latest.id}`);
      report.dropped.push(event.id);
      return;
    }
  }
  const git = await gatherGitFacts(event, view, context);
  const verdict = decide(context.rules, { event, source: releaseSource, view, now, git });
  if (verdict.action !== "accept") return;
  const failed = (message: string) => {
    const attempts = context.purgatory.releaseAttempts(event.id);
    context.purgatory.releaseFailed(event.id, now, now + releaseRetryDelaySeconds(attempts), message);
    report.failed.push({ id: event.id, message });
    log.warn("release failed; will retry", { id: event.id, kind: event.kind, sink: context.sink.kind, attempts: attempts + 1, reason: message });
  };
  try {
    // Over the websocket the policy records this again on the event's way in; an import skips
    // the policy, so the effects are recorded here, waiting for strfry to store the event.
    recordAcceptance(event, planEffects(event, verdict, git).afterStored, context, now);
    let delivery = await context.sink.deliver(event);
    if (!delivery.ok && delivery.message === pluginRestartMessage) delivery = await context.sink.deliver(event);
    if (!delivery.ok) return failed(`strfry refused it: ${delivery.message}`);
    const stored = await context.strfry.stored([event.id]);
    if (stored === undefined) return failed(`cannot ask strfry at ${context.strfry.relayUrl} whether it stored the event`);
    if (!stored.has(event.id)) return failed(`strfry did not store it${delivery.message === "" ? "" : ` (it answered "${delivery.message}")`}`);
    confirmStored(event, context, unixNow());
    report.released.push(event.id);
    log.info("released", { id: event.id, kind: event.kind, sink: context.sink.kind });
  } catch (error) {
    failed(errorMessage(error));
  }
}

export async function releaseRepository(context: ReleaseContext, owner: string, identifier: string): Promise<ReleaseReport> {
  const report = newReport();
  const held = releaseOrder(heldForRepository(context, owner, identifier));
  for (const event of held) await releaseIfComplete(event, context, report);
  return report;
}
