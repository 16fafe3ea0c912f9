import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatMetrics } from "./metrics-command.js";
import type { PurgatoryStats } from "./stats-command.js";

const stats: PurgatoryStats = {
  now: 1_000,
  byType: { state: 2, announcement: 1 },
  byRepository: {},
  total: 3,
  oldest: { id: "a".repeat(64), type: "announcement", arrivedAt: 880 },
  expiringSoon: 1,
  totals: { held: 10, placeholders: 2, released: 7, expired: 1, dropped: 0, deleted: 0, duplicates: 3, releaseFailures: 1, limited: 4 },
  secondsToRelease: { count: 7, median: 2, p95: 9 },
  pending: { unconfirmed: 2, jobsReady: 1, jobsWaiting: 5 },
};

describe("formatMetrics", () => {
  it("gives the daemon's liveness, what is held now, totals by outcome and release latency", () => {
    const text = formatMetrics({ stats, daemonUp: true, now: 1_000 });
    for (const line of [
      "# TYPE grasp_purgatory_daemon_up gauge",
      "grasp_purgatory_daemon_up 1",
      "grasp_purgatory_store_up 1",
      'grasp_purgatory_entries{type="state"} 2',
      "grasp_purgatory_unconfirmed_accepted 2",
      'grasp_purgatory_jobs{state="ready"} 1',
      'grasp_purgatory_jobs{state="waiting"} 5',
      'grasp_purgatory_entries{type="placeholder"} 0',
      "grasp_purgatory_expiring_soon 1",
      "grasp_purgatory_oldest_entry_age_seconds 120",
      "# TYPE grasp_purgatory_events_total counter",
      'grasp_purgatory_events_total{outcome="held"} 10',
      'grasp_purgatory_events_total{outcome="released"} 7',
      'grasp_purgatory_events_total{outcome="expired"} 1',
      'grasp_purgatory_events_total{outcome="release_failed"} 1',
      'grasp_purgatory_release_latency_seconds{quantile="0.5"} 2',
      'grasp_purgatory_release_latency_seconds{quantile="0.95"} 9',
      "grasp_purgatory_metrics_timestamp_seconds 1000",
    ]) {
      assert.ok(text.split("\n").includes(line), `missing ${line}:\n${text}`);
    }
    assert.ok(text.endsWith("\n"));
    for (const line of text.trimEnd().split("\n")) assert.match(line, /^(# (HELP|TYPE) grasp_purgatory_\w+ .+|grasp_purgatory_\w+(\{\w+="[^"]*"\})? \d+(\.\d+)?)$/);
  });

  it("without a store, only liveness: the daemon is down and there are no figures", () => {
    const text = formatMetrics({ stats: undefined, daemonUp: false, now: 5 });
    assert.match(text, /^grasp_purgatory_daemon_up 0$/m);
    assert.match(text, /^grasp_purgatory_store_up 0$/m);
    assert.doesNotMatch(text, /grasp_purgatory_entries/);
  });

  it("leaves out latency before the first release", () => {
    const text = formatMetrics({ stats: { ...stats, secondsToRelease: { count: 0, median: undefined, p95: undefined } }, daemonUp: true, now: 1_000 });
    assert.doesNotMatch(text, /quantile=/);
  });
});
