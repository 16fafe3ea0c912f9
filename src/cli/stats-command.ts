// `grasp-purgatory stats`: how full the purgatory is now, and what it has done since the
// store was created.

import type { Command } from "commander";
import type { Config } from "../config.js";
import { historyTotals, secondsToRelease } from "../purgatory/inspection.js";
import type { Entry } from "./entries.js";
import { readEntries } from "./entries.js";
import { formatTable, isoTime, printJson, relativeTime, shortId, shortRepository } from "./format.js";
import { configOf } from "./global-options.js";
import { jobs } from "../purgatory/jobs.js";
import { withStore } from "./store-access.js";

export interface PurgatoryStats {
  now: number;
  byType: Record<string, number>;
  byRepository: Record<string, number>;
  total: number;
  oldest: { id: string; type: string; arrivedAt: number } | undefined;
  expiringSoon: number;
  totals: {
    held: number;
    placeholders: number;
    released: number;
    expired: number;
    dropped: number;
    deleted: number;
    duplicates: number;
    releaseFailures: number;
    /** Refused by a limit (maxHeldPerAuthor, maxPlaceholdersPerPush, ...). */
    limited: number;
  };
  secondsToRelease: { count: number; median: number | undefined; p95: number | undefined };
  /** Work that waits on strfry: accepted events not yet seen stored, jobs ready and jobs waiting for their event. */
  pending: PendingWork;
}

export interface PendingWork {
  unconfirmed: number;
  jobsReady: number;
  jobsWaiting: number;
}

const noPendingWork: PendingWork = { unconfirmed: 0, jobsReady: 0, jobsWaiting: 0 };

export const expiringSoonSeconds = 5 * 60;

/** Nearest-rank percentile of sorted numbers. */
export function percentile(sorted: readonly number[], fraction: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

export function summarizeStats(
  entries: readonly Entry[],
  totals: ReturnType<typeof historyTotals>,
  releaseSeconds: readonly number[],
  now: number,
  pending: PendingWork = noPendingWork,
): PurgatoryStats {
  const byType: Record<string, number> = {};
  const byRepository: Record<string, number> = {};
  for (const entry of entries) {
    byType[entry.type] = (byType[entry.type] ?? 0) + 1;
    for (const name of entry.repositories) byRepository[name] = (byRepository[name] ?? 0) + 1;
  }
  const oldest = [...entries].sort((a, b) => a.arrivedAt - b.arrivedAt)[0];
  const sorted = [...releaseSeconds].sort((a, b) => a - b);
  return {
    now,
    byType,
    byRepository,
    total: entries.length,
    oldest: oldest === undefined ? undefined : { id: oldest.id, type: oldest.type, arrivedAt: oldest.arrivedAt },
    expiringSoon: entries.filter((entry) => entry.expiresAt - now <= expiringSoonSeconds).length,
    totals: {
      held: totals.held,
      placeholders: totals.placeholder,
      released: totals.released,
      expired: totals.expired,
      dropped: totals.dropped,
      deleted: totals.deleted,
      duplicates: totals.duplicate,
      releaseFailures: totals["release-failed"],
      limited: totals.limited,
    },
    secondsToRelease: { count: sorted.length, median: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) },
    pending,
  };
}

export function statsJson(stats: PurgatoryStats) {
  return {
    now: isoTime(stats.now),
    total: stats.total,
    byType: stats.byType,
    byRepository: stats.byRepository,
    oldest: stats.oldest === undefined ? null : { ...stats.oldest, arrivedAt: isoTime(stats.oldest.arrivedAt) },
    expiringWithin5Minutes: stats.expiringSoon,
    totals: stats.totals,
    secondsToRelease: { count: stats.secondsToRelease.count, median: stats.secondsToRelease.median ?? null, p95: stats.secondsToRelease.p95 ?? null },
    pending: stats.pending,
  };
}

export function formatStats(stats: PurgatoryStats): string {
  const seconds = (value: number | undefined) => (value === undefined ? "-" : `${value}s`);
  const lines = [
    `in the purgatory now: ${stats.total}`,
    ...Object.entries(stats.byType).map(([type, count]) => `  ${type}: ${count}`),
    `expiring within 5 minutes: ${stats.expiringSoon}`,
    `oldest: ${stats.oldest === undefined ? "-" : `${stats.oldest.type} ${shortId(stats.oldest.id)}, arrived ${relativeTime(stats.oldest.arrivedAt, stats.now)}`}`,
    `waiting on strfry: ${stats.pending.unconfirmed} accepted events not yet seen stored; jobs ${stats.pending.jobsReady} ready, ${stats.pending.jobsWaiting} waiting for their event`,
  ];
  if (Object.keys(stats.byRepository).length > 0) {
    lines.push("", formatTable(["REPOSITORY", "ENTRIES"], Object.entries(stats.byRepository).map(([name, count]) => [shortRepository(name), String(count)])));
  }
  const { totals } = stats;
  lines.push(
    "",
    "since the store was created:",
    `  held ${totals.held}, placeholders ${totals.placeholders}, released ${totals.released}, expired ${totals.expired}, dropped ${totals.dropped}, deleted ${totals.deleted}, duplicates ${totals.duplicates}, release failures ${totals.releaseFailures}, refused by limits ${totals.limited}`,
    `  arrival to release: median ${seconds(stats.secondsToRelease.median)}, p95 ${seconds(stats.secondsToRelease.p95)} (${stats.secondsToRelease.count} releases)`,
  );
  return lines.join("\n");
}

export async function readStats(config: Config, now: number): Promise<PurgatoryStats> {
  return withStore(config, async (store) => {
    const jobCounts = jobs(store.db).counts();
    const pending = { unconfirmed: store.index.counts().provisional, jobsReady: jobCounts.ready, jobsWaiting: jobCounts.waiting };
    return summarizeStats(await readEntries(store), historyTotals(store.db), secondsToRelease(store.db), now, pending);
  });
}

export function registerStatsCommand(program: Command): void {
  program
    .command("stats")
    .description("Counts by kind and repository, the oldest entry, what expires soon, and totals since the store was created.")
    .option("--json", "print the figures as JSON for scripts")
    .addHelpText("after", "\nExample:\n  grasp-purgatory stats --json")
    .action(async (options: { json?: boolean }, command: Command) => {
      const stats = await readStats(configOf(command), Math.floor(Date.now() / 1000));
      if (options.json) printJson(statsJson(stats));
      else process.stdout.write(formatStats(stats) + "\n");
    });
}
