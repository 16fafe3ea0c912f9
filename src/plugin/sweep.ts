// The daemon's background work, whose cost follows what is due, never the number held:
// - catch-up (every couple of seconds): repositories that received data (recorded by
//   post-receive even when no daemon listened), releases due for a retry, accepted events
//   whose storage in strfry is still to be confirmed, and ready jobs;
// - sweep (every sweepIntervalSeconds): entries past their expiry, in batches, through the
//   expiry indexes; history past its retention, and the file space it took.
// Each step is a short piece of work in the daemon's lane, so a release request waits for
// one batch at most.

import { join } from "node:path";
import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { isReceivingPush } from "../git/quarantine.js";
import { repositoryOfPath, repositoryPath } from "../git/repository-path.js";
import { errorMessage, log } from "../log.js";
import { readAnnouncement } from "../nostr/nip34.js";
import type { Effect } from "../policy/effects.js";
import type { Db } from "../purgatory/database.js";
import { confirmStored, forgetUnstored } from "./apply-verdict.js";
import { targetsOf } from "./gather-git-facts.js";
import type { ReleaseContext, ReleaseReport } from "./release.js";
import { newReport, releaseIfComplete, releaseRepository } from "./release.js";
import { runEffect } from "./run-effect.js";
import { writeTransaction } from "../purgatory/database.js";

/** Runs one piece of work at a time with the daemon's requests. */
export type Lane = <T>(work: () => Promise<T>) => Promise<T>;

const directly: Lane = (work) => work();

/** Runs one release, job or sweep batch at a time, in arrival order (the daemon's lane). */
export function serialisedLane(): Lane {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work);
    tail = result.catch(() => undefined);
    return result;
  };
}

const batchSize = 200;

/**
 * While a push to one of its repositories is under way an event is left alone: it must not
 * expire before the push's post-receive has run, however long the upload takes, and
 * releasing it would move refs under the push's feet.
 */
async function concernsAPushUnderWay(event: NostrEvent, context: ReleaseContext): Promise<boolean> {
  for (const { owner, identifier } of targetsOf(event, context.view, context).targets) {
    if (await isReceivingPush(repositoryPath(context.gitRoot, owner, identifier))) return true;
  }
  return false;
}

const unixNow = () => Math.floor(Date.now() / 1000);

/** Seconds before a failed job runs again: 5 s doubling, at most 10 minutes. */
export function jobRetryDelaySeconds(attempts: number): number {
  return Math.min(5 * 2 ** Math.min(attempts, 10), 600);
}

/** A job that failed this often is given up, with an error in the log. */
export const maxJobAttempts = 20;

export async function runDueJobs(context: ReleaseContext, lane: Lane = directly): Promise<number> {
  let ran = 0;
  for (;;) {
    const batch = context.jobs.due(unixNow(), 20);
    if (batch.length === 0) return ran;
    for (const job of batch) {
      await lane(async () => {
        try {
          await runEffect(job.effect, context, unixNow());
          context.jobs.done(job.seq);
        } catch (error) {
          const message = errorMessage(error);
          if (job.attempts + 1 >= maxJobAttempts) {
            context.jobs.done(job.seq);
            log.error("job failed for the last time; given up", { event: job.eventId, effect: job.effect, attempts: job.attempts + 1, error: message });
          } else {
            context.jobs.failed(job.seq, unixNow() + jobRetryDelaySeconds(job.attempts), message);
            log.warn("job failed; will retry", { event: job.eventId, effect: job.effect, attempts: job.attempts + 1, error: message });
          }
        }
      });
      ran++;
    }
  }
}

/** Accepted events still provisional past their grace time: strfry is asked, and what it lacks is forgotten. */
export async function checkProvisional(context: ReleaseContext, lane: Lane = directly): Promise<void> {
  for (;;) {
    const now = unixNow();
    const ids = context.index.dueForCheck(now, 100);
    if (ids.length === 0) return;
    const found = await context.strfry.events(ids);
    await lane(async () => {
      if (found === undefined) {
        // strfry cannot be asked now: nothing is forgotten on a guess.
        context.index.postponeCheck(ids, now + 30);
        return;
      }
      for (const event of found) confirmStored(event, context, unixNow());
      const stored = new Set(found.map((event) => event.id));
      for (const id of ids.filter((id) => !stored.has(id))) {
        forgetUnstored(id, context);
        log.warn("accepted event never stored by strfry; forgotten", { id });
      }
    });
    if (found === undefined) return;
  }
}

export interface CatchUpReport extends ReleaseReport {
  jobs: number;
}

export async function catchUp(context: ReleaseContext, lane: Lane = directly): Promise<CatchUpReport> {
  const report: CatchUpReport = { ...newReport(), jobs: 0 };
  const merge = (part: ReleaseReport) => {
    report.released.push(...part.released);
    report.dropped.push(...part.dropped);
    report.failed.push(...part.failed);
  };
  for (const push of context.purgatory.receivedPushes(batchSize)) {
    const repository = repositoryOfPath(context.gitRoot, join(context.gitRoot, push.repository));
    if (repository !== undefined && (await isReceivingPush(join(context.gitRoot, push.repository)))) continue;
    await lane(async () => {
      if (repository !== undefined) merge(await releaseRepository(context, repository.owner, repository.identifier));
      context.purgatory.clearPush(push.repository, push.at);
    });
  }
  for (const held of context.purgatory.dueForRelease(unixNow(), batchSize)) {
    if (await concernsAPushUnderWay(held.event, context)) continue;
    await lane(() => releaseIfComplete(held.event, context, report));
  }
  await checkProvisional(context, lane);
  report.jobs = await runDueJobs(context, lane);
  return report;
}

/**
 * How old unreferenced objects must be before a prune takes them. A push's objects are
 * unreferenced for a moment between leaving its quarantine and its ref update; a minute is
 * far longer (a short TTL, in tests, shortens it).
 */
export function pruneGraceSeconds(ttlSeconds: number): number {
  return Math.min(60, ttlSeconds);
}

export interface SweepReport {
  expired: string[];
  historyPruned: number;
}

function expiryEffects(event: NostrEvent): Effect[] {
  if (event.kind !== kinds.RepositoryAnnouncement) return [];
  const announcement = readAnnouncement(event);
  return [{ type: "remove-unused-repository", owner: announcement.owner, identifier: announcement.identifier }];
}

export interface SweepOptions {
  historyRetentionSeconds: number;
}

export async function sweep(context: ReleaseContext, now: number, options: SweepOptions, lane: Lane = directly): Promise<SweepReport> {
  const report: SweepReport = { expired: [], historyPruned: 0 };
  // Entries of a push under way are passed over (the push's pre-receive extends them).
  const underWay = new Set<string>();
  for (;;) {
    const batch = context.purgatory.expired(now, batchSize + underWay.size).filter(({ event }) => !underWay.has(event.id));
    if (batch.length === 0) break;
    const due: NostrEvent[] = [];
    for (const { event } of batch) {
      if (await concernsAPushUnderWay(event, context)) underWay.add(event.id);
      else due.push(event);
    }
    await lane(async () => {
      writeTransaction(context.db, () => {
        for (const event of due) {
          if (!context.purgatory.remove(event.id, "expired", now)) continue;
          context.jobs.enqueue(event.id, expiryEffects(event), true, now);
          report.expired.push(event.id);
        }
      })();
    });
  }
  for (;;) {
    const batch = context.purgatory.expiredPlaceholders(now, batchSize);
    if (batch.length === 0) break;
    await lane(async () => {
      writeTransaction(context.db, () => {
        for (const placeholder of batch) {
          if (!context.purgatory.removePlaceholder(placeholder.eventId, placeholder.repository, "expired", now)) continue;
          const effect: Effect = { type: "delete-ref", repository: placeholder.repository, ref: `refs/nostr/${placeholder.eventId}`, expected: placeholder.tip };
          context.jobs.enqueue(placeholder.eventId, [effect], true, now);
          // Then the objects only it referenced go (one prune per repository, whatever expired there),
          // once they are older than the grace: objects of a push under way are younger.
          const grace = pruneGraceSeconds(context.purgatoryTtlSeconds);
          const prune: Effect = { type: "prune-repository", repository: placeholder.repository, olderThanSeconds: grace };
          context.jobs.enqueue(placeholder.repository, [prune], true, now, now + grace + 1);
          report.expired.push(placeholder.eventId);
        }
      })();
    });
  }
  if (report.expired.length > 0) log.info("expired", { count: report.expired.length });
  report.historyPruned = await lane(async () => pruneHistory(context.db, now - options.historyRetentionSeconds));
  await runDueJobs(context, lane);
  return report;
}

/**
 * History older than the retention goes, and the pages it took are given back to the file
 * system. Rows are appended in time order, so the old ones are those before the first recent
 * one: finding it reads only what goes (the table has no time index, one page less per write).
 */
export function pruneHistory(db: Db, before: number): number {
  let pruned = 0;
  const firstRecent = db.prepare<[number], { seq: number }>("SELECT seq FROM purgatory_history WHERE at >= ? ORDER BY seq LIMIT 1").get(before)?.seq;
  const prune = db.prepare<[number]>("DELETE FROM purgatory_history WHERE seq IN (SELECT seq FROM purgatory_history WHERE seq < ? ORDER BY seq LIMIT 5000)");
  for (;;) {
    const { changes } = prune.run(firstRecent ?? Number.MAX_SAFE_INTEGER);
    pruned += changes;
    if (changes < 5000) break;
  }
  // Only the last hour counts for maxNewRepositoriesPerAuthorPerHour.
  db.prepare("DELETE FROM repository_creations WHERE at < ?").run(unixNow() - 3600);
  db.pragma("incremental_vacuum");
  return pruned;
}
