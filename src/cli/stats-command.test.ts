import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { entry } from "./entry-fixture.js";
import { expiringSoonSeconds, formatStats, percentile, statsJson, summarizeStats } from "./stats-command.js";

const noTotals = { held: 0, duplicate: 0, released: 0, "release-failed": 0, expired: 0, dropped: 0, deleted: 0, placeholder: 0, limited: 0 };

describe("percentile", () => {
  it("is undefined for no numbers", () => {
    assert.equal(percentile([], 0.5), undefined);
  });

  it("is the nearest rank of sorted numbers", () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    assert.equal(percentile(ten, 0.5), 5);
    assert.equal(percentile(ten, 0.95), 10);
    assert.equal(percentile(ten, 0.9), 9);
    assert.equal(percentile(ten, 0.1), 1);
    assert.equal(percentile([1, 2, 3], 0.5), 2);
    assert.equal(percentile([1, 2, 3, 4], 0.5), 2);
    assert.equal(percentile([7], 0.95), 7);
  });

  it("stays within the list at the extremes", () => {
    assert.equal(percentile([1, 2, 3], 0), 1);
    assert.equal(percentile([1, 2, 3], 1), 3);
    assert.equal(percentile([1, 2, 3], 1.5), 3);
  });
});

describe("summarizeStats", () => {
  const now = 10_000;

  it("is all zeros and blanks for an empty purgatory with no history", () => {
    assert.deepEqual(summarizeStats([], noTotals, [], now), {
      now,
      byType: {},
      byRepository: {},
      total: 0,
      oldest: undefined,
      expiringSoon: 0,
      totals: { held: 0, placeholders: 0, released: 0, expired: 0, dropped: 0, deleted: 0, duplicates: 0, releaseFailures: 0, limited: 0 },
      secondsToRelease: { count: 0, median: undefined, p95: undefined },
      pending: { unconfirmed: 0, jobsReady: 0, jobsWaiting: 0 },
    });
  });

  it("counts entries by type and by repository, finds the oldest and what expires within 5 minutes", () => {
    const entries = [
      entry({ id: "1".repeat(64), type: "state", repositories: ["npub1a/repo.git", "npub1b/repo.git"], arrivedAt: 9000, expiresAt: now + expiringSoonSeconds }),
      entry({ id: "2".repeat(64), type: "state", repositories: ["npub1a/repo.git"], arrivedAt: 8000, expiresAt: now + expiringSoonSeconds + 1 }),
      entry({ id: "3".repeat(64), type: "announcement", repositories: ["npub1c/other.git"], arrivedAt: 9500, expiresAt: now - 10 }),
      entry({ id: "4".repeat(64), type: "placeholder", kind: undefined, author: undefined, repositories: ["npub1a/repo.git"], arrivedAt: 7000, expiresAt: now + 3600 }),
      entry({ id: "5".repeat(64), type: "other", repositories: [], arrivedAt: 9900, expiresAt: now + 60 }),
    ];
    const stats = summarizeStats(entries, noTotals, [], now);
    assert.deepEqual(stats.byType, { state: 2, announcement: 1, placeholder: 1, other: 1 });
    assert.deepEqual(stats.byRepository, { "npub1a/repo.git": 3, "npub1b/repo.git": 1, "npub1c/other.git": 1 });
    assert.equal(stats.total, 5);
    assert.deepEqual(stats.oldest, { id: "4".repeat(64), type: "placeholder", arrivedAt: 7000 });
    assert.equal(stats.expiringSoon, 3, "at the 5 minute mark, already overdue, and within a minute");
  });

  it("maps the history totals to their names", () => {
    const totals = { held: 7, duplicate: 6, released: 5, "release-failed": 8, expired: 4, dropped: 3, deleted: 2, placeholder: 1, limited: 9 };
    assert.deepEqual(summarizeStats([], totals, [], now).totals, {
      held: 7,
      placeholders: 1,
      released: 5,
      expired: 4,
      dropped: 3,
      deleted: 2,
      duplicates: 6,
      releaseFailures: 8,
      limited: 9,
    });
  });

  it("summarises seconds to release, whatever their order, without changing the caller's list", () => {
    const seconds = [30, 1, 10, 2, 5, 4, 3, 9, 8, 7, 6];
    const copy = [...seconds];
    assert.deepEqual(summarizeStats([], noTotals, seconds, now).secondsToRelease, { count: 11, median: 6, p95: 30 });
    assert.deepEqual(seconds, copy);
  });

  it("turns into JSON with ISO times and nulls for blanks, and into text for people", () => {
    const stats = summarizeStats([entry({ id: "ab".repeat(32), type: "state", repositories: [], arrivedAt: 0, expiresAt: 60 })], noTotals, [], 120);
    assert.deepEqual(statsJson(stats), {
      now: "1970-01-01T00:02:00.000Z",
      total: 1,
      byType: { state: 1 },
      byRepository: {},
      oldest: { id: "ab".repeat(32), type: "state", arrivedAt: "1970-01-01T00:00:00.000Z" },
      expiringWithin5Minutes: 1,
      totals: { held: 0, placeholders: 0, released: 0, expired: 0, dropped: 0, deleted: 0, duplicates: 0, releaseFailures: 0, limited: 0 },
      secondsToRelease: { count: 0, median: null, p95: null },
      pending: { unconfirmed: 0, jobsReady: 0, jobsWaiting: 0 },
    });
    const text = formatStats(stats);
    assert.match(text, /^in the purgatory now: 1\n {2}state: 1\nexpiring within 5 minutes: 1\noldest: state abababab, arrived 2m ago\n/);
    assert.match(text, /\nwaiting on strfry: 0 accepted events not yet seen stored; jobs 0 ready, 0 waiting for their event\n/);
    assert.match(text, /arrival to release: median -, p95 - \(0 releases\)$/);
  });
});
