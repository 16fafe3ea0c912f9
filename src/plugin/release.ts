// Releasing held events whose git data has arrived. A request names a repository but is only
// a hint: every event is decided again by the same rules against git as it is now, so a
// forged or repeated request cannot release anything incomplete, and a release happens once.

import { kinds } from "nostr-tools";
import type { NostrEvent } from "nostr-tools";
import { errorMessage, log } from "../log.js";
import { isNewerEvent } from "../nostr/coordinates.js";
import { tagValue } from "../nostr/event.js";
import { maintainerSet } from "../policy/maintainers.js";
import { decide } from "../policy/pipeline.js";
import { pullRequestKinds } from "../policy/pull-request-tip-exists.js";
import type { Rule } from "../policy/rule.js";
import type { EffectContext } from "./apply-verdict.js";
import { acceptEvent } from "./apply-verdict.js";
import type { GitFactsContext } from "./gather-git-facts.js";
import { gatherGitFacts } from "./gather-git-facts.js";
import type { ReleaseSink } from "./release-sink.js";

export interface ReleaseContext extends EffectContext, GitFactsContext {
  rules: Rule[];
  sink: ReleaseSink;
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

/** Held events that a push to the repository `<owner>/<d>` may have completed. */
export function heldForRepository(context: ReleaseContext, owner: string, identifier: string): NostrEvent[] {
  const view = context.index.view;
  const byOwner = (pubkey: string) => view.announcement(pubkey, identifier);
  const maintainers = maintainerSet(owner, byOwner);
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

/** Releases `event` if it is still held and now complete; records the outcome in `report`. */
export async function releaseIfComplete(event: NostrEvent, context: ReleaseContext, report: ReleaseReport): Promise<void> {
  const { view } = context;
  if (!view.isHeld(event.id)) return;
  const now = Math.floor(Date.now() / 1000);
  if (event.kind === kinds.RepositoryState) {
    const latest = view.latestAcceptedState(event.pubkey, tagValue(event, "d") ?? "");
    if (latest !== undefined && !isNewerEvent(event, { id: latest.id, created_at: latest.createdAt })) {
      // strfry would drop it as replaced; it must not authorise pushes either.
      context.purgatory.remove(event.id, "dropped", now, `older than accepted state ${latest.id}`);
      report.dropped.push(event.id);
      return;
    }
  }
  const git = await gatherGitFacts(event, view, context);
  const verdict = decide(context.rules, { event, view, now, git });
  if (verdict.action !== "accept") return;
  try {
    const delivery = await context.sink.deliver(event);
    if (!delivery.ok) {
      report.failed.push({ id: event.id, message: delivery.message });
      log.warn("release failed", { id: event.id, kind: event.kind, sink: context.sink.kind, reason: delivery.message });
      return;
    }
    // Over the websocket the policy has already accepted it on its way in; an import skips
    // the policy, so the acceptance happens here, after strfry has the event.
    if (context.sink.kind === "import" || view.isHeld(event.id)) await acceptEvent(event, git, context, now);
    report.released.push(event.id);
    log.info("released", { id: event.id, kind: event.kind, sink: context.sink.kind });
  } catch (error) {
    report.failed.push({ id: event.id, message: errorMessage(error) });
    log.error("release failed", { id: event.id, kind: event.kind, error: errorMessage(error) });
  }
}

export async function releaseRepository(context: ReleaseContext, owner: string, identifier: string): Promise<ReleaseReport> {
  const report = newReport();
  const held = releaseOrder(heldForRepository(context, owner, identifier));
  for (const event of held) await releaseIfComplete(event, context, report);
  // A released state copies its objects into the other owners' repositories of this d, so
  // their held announcements may be complete only now.
  for (const event of held.filter((event) => event.kind === kinds.RepositoryAnnouncement)) {
    await releaseIfComplete(event, context, report);
  }
  return report;
}
