// The sweep (every sweepIntervalSeconds): first release whatever completed without being
// released (the daemon was down during the push, say), then expire what is left over.
// Nothing that completed is lost, and nothing expired stays on disk.

import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { kinds } from "nostr-tools";
import type { NostrEvent } from "nostr-tools";
import { readBranchesAndTags, readRef, updateRefs } from "../git/refs.js";
import { assertInsideGitRoot, repositoryPath } from "../git/repository-path.js";
import { errorMessage, log } from "../log.js";
import { coordinateOf } from "../nostr/coordinates.js";
import { tagValue } from "../nostr/event.js";
import { targetsOf } from "./gather-git-facts.js";
import type { ReleaseContext, ReleaseReport } from "./release.js";
import { newReport, releaseIfComplete, releaseOrder } from "./release.js";

export interface SweepReport extends ReleaseReport {
  expired: string[];
}

/** A push is being received (its objects sit in a quarantine directory). */
async function isReceivingPush(repository: string): Promise<boolean> {
  const entries = await readdir(join(repository, "objects")).catch(() => [] as string[]);
  return entries.some((entry) => entry.startsWith("tmp_objdir-incoming"));
}

/**
 * While a push to one of its repositories is under way the sweep leaves an event alone:
 * it must not expire before the push's post-receive has run, however long the upload takes,
 * and releasing it would move refs under the push's feet.
 */
async function concernsAPushUnderWay(event: NostrEvent, context: ReleaseContext): Promise<boolean> {
  for (const { owner, identifier } of targetsOf(event, context.index.view, context.service).targets) {
    if (await isReceivingPush(repositoryPath(context.gitRoot, owner, identifier))) return true;
  }
  return false;
}

/** An expired announcement leaves the index, and its repository goes if it never received data. */
async function forgetAnnouncedRepository(announcement: NostrEvent, context: ReleaseContext): Promise<void> {
  context.index.forgetHeldAnnouncement(announcement.id);
  const identifier = tagValue(announcement, "d") ?? "";
  const path = repositoryPath(context.gitRoot, announcement.pubkey, identifier);
  const hasData = await readBranchesAndTags(path).then((refs) => refs.size > 0, () => false);
  const stillAnnounced =
    context.index.view.announcement(announcement.pubkey, identifier) !== undefined ||
    context.index.view.isAcceptedCoordinate(coordinateOf(announcement)!);
  if (!hasData && !stillAnnounced) await rm(path, { recursive: true, force: true });
}

export async function sweep(context: ReleaseContext, now: number): Promise<SweepReport> {
  const report: SweepReport = { ...newReport(), expired: [] };
  for (const event of releaseOrder(context.purgatory.all().map((held) => held.event))) {
    if (await concernsAPushUnderWay(event, context)) continue;
    await releaseIfComplete(event, context, report);
  }

  for (const { event } of context.purgatory.expired(now)) {
    try {
      if (await concernsAPushUnderWay(event, context)) continue;
      if (!context.purgatory.remove(event.id, "expired", now)) continue;
      if (event.kind === kinds.RepositoryAnnouncement) await forgetAnnouncedRepository(event, context);
      report.expired.push(event.id);
      log.info("expired", { id: event.id, kind: event.kind });
    } catch (error) {
      log.error("expiring a held event failed", { id: event.id, error: errorMessage(error) });
    }
  }

  for (const placeholder of context.purgatory.expiredPlaceholders(now)) {
    try {
      const path = join(context.gitRoot, placeholder.repository);
      assertInsideGitRoot(context.gitRoot, path);
      const ref = `refs/nostr/${placeholder.eventId}`;
      if ((await readRef(path, ref).catch(() => undefined)) === placeholder.tip) await updateRefs(path, [{ ref, oid: undefined }]);
      context.purgatory.removePlaceholder(placeholder.eventId, placeholder.repository, "expired", now);
      report.expired.push(placeholder.eventId);
      log.info("placeholder expired", { id: placeholder.eventId, repository: placeholder.repository });
    } catch (error) {
      log.error("expiring a placeholder failed", { id: placeholder.eventId, error: errorMessage(error) });
    }
  }
  return report;
}
