// `npm run bench` (`-- --quick` for a fast check): issue 11's speed goals in one table, each
// against a baseline measured in the same run and interleaved with it, then the details
// behind some rows and the daemon's sweep figures (issue 8). Prints figures only; nothing
// here asserts on speed, and the tests never run it.
//
//   npm run bench                      # the full run (about 5 minutes on 2 cores)
//   npm run bench -- --quick           # fewer runs, 100 repositories, 10,000 held entries
//   npm run bench -- --only push,held  # some sections: push, answers, repositories, held, sweep
//   npm run bench -- --quick --only answers --cpu-prof /tmp/prof
//                                      # the policy processes write CPU profiles; where their time went

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { benchAnswers, unexpectedAnswers, workloads } from "./answers-bench.js";
import type { AnswerFigures } from "./answers-bench.js";
import { templateRepository } from "./bench-git.js";
import { profilePoliciesInto, summariseProfiles } from "./cpu-profile.js";
import { formatGoalTable } from "./goal-table.js";
import type { GoalRow } from "./goal-table.js";
import { benchHeldStore } from "./held-bench.js";
import type { HeldStoreFigures } from "./held-bench.js";
import { median, percentile, progress } from "./measure.js";
import { benchPushes } from "./push-bench.js";
import type { PushFigures } from "./push-bench.js";
import { benchRepositories } from "./repositories-bench.js";
import type { RepositoryFigures } from "./repositories-bench.js";
import { benchSweep } from "./sweep-bench.js";
import type { SweepFigures } from "./sweep-bench.js";

interface Settings {
  pushRounds: number;
  hookRuns: number;
  answerEvents: number;
  chunk: number;
  repositories: number;
  stateEvents: number;
  held: number;
  sweepHeld: number[];
}

const sections = ["push", "answers", "repositories", "held", "sweep"] as const;
type Section = (typeof sections)[number];

function settingsFrom(argv: readonly string[]): { quick: boolean; settings: Settings; only: Set<Section>; profileDir: string | undefined } {
  const quick = argv.includes("--quick");
  const settings: Settings = quick
    ? { pushRounds: 5, hookRuns: 10, answerEvents: 500, chunk: 50, repositories: 100, stateEvents: 500, held: 10_000, sweepHeld: [1000, 10_000] }
    : { pushRounds: 15, hookRuns: 20, answerEvents: 2000, chunk: 100, repositories: 1000, stateEvents: 2000, held: 100_000, sweepHeld: [1000, 100_000] };
  // The knobs the bench had before: events per answer workload, held counts of the sweep table.
  if (process.env.BENCH_EVENTS !== undefined) settings.answerEvents = Math.ceil(Number(process.env.BENCH_EVENTS) / settings.chunk) * settings.chunk;
  if (process.env.BENCH_HELD !== undefined) settings.sweepHeld = process.env.BENCH_HELD.split(",").map(Number);
  const onlyAt = argv.indexOf("--only");
  const only = new Set<Section>(onlyAt === -1 ? sections : (argv[onlyAt + 1] ?? "").split(",").filter((name): name is Section => (sections as readonly string[]).includes(name)));
  const profileAt = argv.indexOf("--cpu-prof");
  return { quick, settings, only, profileDir: profileAt === -1 ? undefined : resolve(argv[profileAt + 1] ?? "bench-profiles") };
}

const count = (value: number) => value.toLocaleString("en-US");

function pushRows(figures: PushFigures): GoalRow[] {
  const baseline = median(figures.hookless);
  const pushes = (ours: number[]) => `${ours.length} + ${figures.hookless.length} pushes`;
  return [
    {
      id: "1",
      what: "git push, state-authorised (daemon up)",
      baselineName: "hook-less",
      baseline,
      ours: median(figures.daemonUp),
      unit: "ms",
      goal: { type: "ratio", atMost: 3 },
      runs: pushes(figures.daemonUp),
    },
    {
      id: "2",
      what: "git push, no policy process running",
      baselineName: "hook-less",
      baseline,
      ours: median(figures.noPolicy),
      unit: "ms",
      goal: { type: "ratio", atMost: 10 },
      runs: pushes(figures.noPolicy),
    },
    {
      id: "3",
      what: "pre-receive as a process (daemon up)",
      baselineName: "node -e 0",
      baseline: median(figures.nodeNoop),
      ours: median(figures.preReceive),
      unit: "ms",
      goal: { type: "ratio", atMost: 1.5 },
      runs: `${figures.preReceive.length} + ${figures.nodeNoop.length} runs`,
    },
  ];
}

function hookTable(figures: PushFigures): string[] {
  const ms = (runs: number[] | undefined) => (runs === undefined ? "n/a" : `${median(runs).toFixed(0)} ms`);
  const line = (name: string, push: number[], hooks: PushFigures["hooksDaemonUp"]) =>
    `${name.padEnd(28)} ${`${median(push).toFixed(0)} ms`.padStart(8)}   ${ms(hooks["pre-receive"]).padStart(11)}   ${ms(hooks["post-receive"]).padStart(12)}`;
  return [
    "inside the hooked pushes of rows 1 and 2 (medians; hook run times from git's trace2 events)",
    "push                             whole   pre-receive   post-receive",
    line("daemon up", figures.daemonUp, figures.hooksDaemonUp),
    line("no policy process running", figures.noPolicy, figures.hooksNoPolicy),
  ];
}

function answerRows(figures: readonly AnswerFigures[], chunk: number): GoalRow[] {
  return figures.map((workload, index) => ({
    id: `4${"abc"[index]}`,
    what: `policy answer, ${workload.name}`,
    baselineName: "no-op plugin",
    baseline: workload.baselineMsPerEvent,
    ours: workload.oursMsPerEvent,
    unit: "ms",
    goal: { type: "ratio", atMost: workload.expected === "shadowReject" ? 3 : 1.3 },
    runs: `${workload.chunks} x ${chunk} events each`,
    ratio: workload.ratio,
  }));
}

function repositoryRows(figures: RepositoryFigures): GoalRow[] {
  const events = `${count(figures.events)} events each`;
  const what = `${count(figures.repositories)} repositories`;
  const p = (fraction: number): Pick<GoalRow, "baseline" | "ours"> => ({
    baseline: percentile(figures.one.latencies, fraction),
    ours: percentile(figures.many.latencies, fraction),
  });
  return [
    { id: "5a", what: `state decision p50, ${what}`, baselineName: "1 repository", ...p(0.5), unit: "ms", goal: { type: "ratio", atMost: 1.5 }, runs: events },
    { id: "5b", what: `state decision p99, ${what}`, baselineName: "1 repository", ...p(0.99), unit: "ms", goal: { type: "ratio", atMost: 1.5 }, runs: events },
    {
      id: "5c",
      what: `processes started per state decision, ${what}`,
      baselineName: "1 repository",
      baseline: figures.one.tasks.count / figures.events,
      ours: figures.many.tasks.count / figures.events,
      unit: "per event",
      goal: { type: "none" },
      runs: `${events} (${figures.many.tasks.method === "perf" ? "counted by perf" : "polled: at least"})`,
    },
  ];
}

function heldRows(figures: HeldStoreFigures): GoalRow[] {
  const what = `${count(figures.held)} held entries`;
  return [
    {
      id: "6a",
      what: `state decision p50, ${what}`,
      baselineName: "empty store",
      baseline: median(figures.empty.latencies),
      ours: median(figures.full.latencies),
      unit: "ms",
      goal: { type: "ratio", atMost: 1.3 },
      runs: `${count(figures.events)} events each`,
    },
    {
      id: "6b",
      what: `policy peak RSS, ${what}`,
      baselineName: "empty store",
      baseline: figures.empty.memory.peak,
      ours: figures.full.memory.peak,
      unit: "MiB",
      goal: { type: "below", value: 120 },
      runs: "1 process each",
    },
  ];
}

function throughputTable(figures: readonly AnswerFigures[]): string[] {
  const perSecond = (msPerEvent: number) => Math.round(1000 / msPerEvent).toString();
  return [
    `policy process vs. a minimal accept-all plugin, ${figures[0]?.events ?? 0} events each, one at a time as strfry sends them`,
    "workload                                baseline ev/s   policy ev/s   policy/baseline time",
    ...figures.map(
      (workload) =>
        `${workload.name.padEnd(39)} ${perSecond(workload.baselineMsPerEvent).padStart(13)}   ${perSecond(workload.oursMsPerEvent).padStart(11)}   ${workload.ratio.toFixed(1).padStart(8)}x`,
    ),
  ];
}

function sweepTable(rows: readonly SweepFigures[]): string[] {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const mib = (value: number) => value.toFixed(1);
  return [
    "the daemon with many held entries (baseline: the first row); goals: a release request within 1 s at 100,000 held, sweep with nothing due within 2x of 1,000",
    "held      sweep, none due   catch-up, none due   sweep, all due   release wait during it   policy RSS   file: held / expired / pruned",
    ...rows.map(
      (figures) =>
        `${String(figures.held).padEnd(9)} ${ms(figures.sweepNothingDueMs).padStart(15)}   ${ms(figures.catchUpNothingDueMs).padStart(18)}   ${ms(figures.sweepAllDueMs).padStart(14)}   ${ms(figures.releaseDuringSweepMs).padStart(22)}   ${`${mib(figures.policyRssMiB)} MiB`.padStart(10)}   ${mib(figures.fileMiB.held)} / ${mib(figures.fileMiB.afterExpiry)} / ${mib(figures.fileMiB.afterPrune)} MiB`,
    ),
  ];
}

/** The library's own log lines (the sweep runs in this process) would break up the tables. */
async function withoutLogs<T>(work: () => Promise<T>): Promise<T> {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
    String(chunk).startsWith('{"time"') ? true : write(chunk, ...(rest as []))) as typeof process.stderr.write;
  try {
    return await work();
  } finally {
    process.stderr.write = write;
  }
}

async function main(): Promise<void> {
  const { quick, settings, only, profileDir } = settingsFrom(process.argv.slice(2));
  if (profileDir !== undefined) {
    mkdirSync(profileDir, { recursive: true });
    profilePoliciesInto(profileDir);
  }
  const dir = mkdtempSync(join(tmpdir(), "grasp-bench-"));
  const startedAt = Date.now();
  const loadBefore = loadavg()[0]!;
  const rows: GoalRow[] = [];
  const notes: string[] = [];
  const details: string[][] = [];
  try {
    mkdirSync(join(dir, "template"));
    const template = templateRepository(join(dir, "template", "template.git"));
    if (only.has("push")) {
      const figures = await benchPushes(join(dir, "push"), { rounds: settings.pushRounds, hookRuns: settings.hookRuns });
      rows.push(...pushRows(figures));
      details.push(hookTable(figures));
      if (figures.daemonUpFallbacks > 0) notes.push(`row 1: ${figures.daemonUpFallbacks} push(es) said the daemon did not answer (slow path)`);
      if (figures.preReceiveStatus !== 0) notes.push(`row 3: the pre-receive hook exited ${figures.preReceiveStatus} on the no-op push`);
    }
    if (only.has("answers")) {
      const figures: AnswerFigures[] = [];
      for (const [index, workload] of workloads.entries()) {
        figures.push(await benchAnswers(join(dir, `answers-${index}`), template, workload, settings.answerEvents, settings.chunk));
      }
      rows.push(...answerRows(figures, settings.chunk));
      notes.push(...figures.map(unexpectedAnswers).filter(Boolean));
      details.push(throughputTable(figures));
    }
    if (only.has("repositories")) {
      const figures = await benchRepositories(join(dir, "repositories"), template, settings.repositories, settings.stateEvents, settings.chunk);
      rows.push(...repositoryRows(figures));
      notes.push(...figures.problems.slice(0, 5));
    }
    if (only.has("held")) {
      const figures = await benchHeldStore(join(dir, "held"), template, settings.held, settings.stateEvents, settings.chunk);
      rows.push(...heldRows(figures));
      notes.push(...figures.problems);
      notes.push(
        `row 6b: resident now ${figures.full.memory.rss.toFixed(1)} MiB with ${count(figures.held)} held, ${figures.empty.memory.rss.toFixed(1)} MiB empty`,
      );
    }
    if (only.has("sweep")) {
      const figures: SweepFigures[] = [];
      for (const held of settings.sweepHeld) {
        progress(`sweep figures, ${held} held entries`);
        figures.push(await withoutLogs(() => benchSweep(join(dir, `sweep-${held}`), held)));
      }
      details.push(sweepTable(figures));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const gitVersion = execFileSync("git", ["--version"], { encoding: "utf8" }).trim();
  console.log(
    `grasp-purgatory bench (${quick ? "--quick" : "full"}): baseline and ours interleaved in this run, medians unless a row says otherwise; ` +
      `node ${process.version}, ${gitVersion}; load average ${loadBefore.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end; ${Math.round((Date.now() - startedAt) / 1000)} s`,
  );
  console.log("");
  console.log(formatGoalTable(rows));
  if (profileDir !== undefined) notes.push(`the policy processes of rows 4 to 6 were profiled (${profileDir}): their figures are slower than usual`);
  for (const note of notes) console.log(`note: ${note}`);
  for (const lines of details) console.log(["", ...lines].join("\n"));
  for (const lines of summariseProfiles()) console.log(["", ...lines].join("\n"));
}

await main();
