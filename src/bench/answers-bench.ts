// The policy's answers as strfry asks for them (one event in flight), against a no-op plugin
// on the same kind of pipe, interleaved chunk by chunk: unrelated notes (rejected), issues on
// a hosted repository with data (its announcement accepted at once), and states that name a
// commit nobody has pushed (held, after a look-up in git).

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { announcementOf, benchAuthor, kind, missingObjectId, requestLine, stateOf } from "./bench-events.js";
import type { BenchAuthor } from "./bench-events.js";
import { copyTemplate } from "./bench-git.js";
import { measuredStretch } from "./cpu-profile.js";
import type { TemplateRepository } from "./bench-git.js";
import { describeAnswers, interleaved, medianRatio } from "./interleave.js";
import type { PipeFigures } from "./interleave.js";
import { median, progress } from "./measure.js";
import { policyEnvironment, startNoOpPlugin, startPolicy } from "./plugin-pipe.js";

export const benchServiceHost = "127.0.0.1:7777";

export interface Workload {
  name: string;
  /** Names its CPU profile. */
  label: string;
  /** What every answer of ours should be, to check that the workload measures what it says. */
  expected: string;
  events(author: BenchAuthor, identifier: string, count: number): string[];
}

const coordinateOf = (author: BenchAuthor, identifier: string) => `${kind.announcement}:${author.pubkey}:${identifier}`;

export const workloads: readonly Workload[] = [
  {
    name: "unrelated kind 1 (rejected)",
    label: "answers-unrelated",
    expected: "reject",
    events: (author, _, count) => Array.from({ length: count }, (_, index) => requestLine(author.sign(kind.note, [], `note ${index}`))),
  },
  {
    name: "kind 1621 on an accepted repository",
    label: "answers-issues",
    expected: "accept",
    events: (author, identifier, count) =>
      Array.from({ length: count }, (_, index) => requestLine(author.sign(kind.issue, [["a", coordinateOf(author, identifier)]], `issue ${index}`))),
  },
  {
    name: "held states",
    label: "answers-held-states",
    expected: "shadowReject",
    events: (author, identifier, count) => Array.from({ length: count }, () => requestLine(stateOf(author, identifier, missingObjectId()))),
  },
];

export interface AnswerFigures {
  name: string;
  expected: string;
  events: number;
  chunks: number;
  baselineMsPerEvent: number;
  oursMsPerEvent: number;
  /** Median over chunk pairs of ours / baseline. */
  ratio: number;
  baseline: PipeFigures;
  ours: PipeFigures;
}

/**
 * One workload: a fresh policy (store, git root with the repository already holding data) and
 * a fresh no-op plugin; both get the announcement and a warm-up first, then the same events.
 */
export async function benchAnswers(dir: string, template: TemplateRepository, workload: Workload, count: number, chunkSize: number): Promise<AnswerFigures> {
  const author = benchAuthor(count * 2 + 1000);
  const identifier = "bench";
  const gitRoot = join(dir, "git");
  mkdirSync(gitRoot, { recursive: true });
  copyTemplate(template, gitRoot, author.npub, identifier);
  const policy = startPolicy(policyEnvironment(gitRoot, join(dir, "data"), benchServiceHost), workload.label);
  const baseline = startNoOpPlugin(dir);
  try {
    const warmUpCount = Math.max(50, Math.floor(count / 10));
    const announcement = requestLine(announcementOf(author, identifier, benchServiceHost));
    const warmUp = [announcement, ...workload.events(author, identifier, warmUpCount)];
    const lines = workload.events(author, identifier, count);
    progress(`policy answers, ${workload.name}: ${count} events`);
    await interleaved([{ plugin: baseline, lines: warmUp }, { plugin: policy, lines: warmUp }], warmUp.length);
    const [baselineFigures, oursFigures] = await measuredStretch([workload.label], () => interleaved([{ plugin: baseline, lines }, { plugin: policy, lines }], chunkSize));
    const perEvent = (figures: PipeFigures) => median(figures.chunkMs) / chunkSize;
    return {
      name: workload.name,
      expected: workload.expected,
      events: count,
      chunks: oursFigures!.chunkMs.length,
      baselineMsPerEvent: perEvent(baselineFigures!),
      oursMsPerEvent: perEvent(oursFigures!),
      ratio: medianRatio(oursFigures!.chunkMs, baselineFigures!.chunkMs),
      baseline: baselineFigures!,
      ours: oursFigures!,
    };
  } finally {
    await Promise.all([policy.close(), baseline.close()]);
  }
}

/** "" when every answer was the expected one; otherwise what they were. */
export function unexpectedAnswers(figures: AnswerFigures): string {
  const unexpected = [...figures.ours.answers.keys()].some((key) => !key.startsWith(figures.expected));
  return unexpected ? `${figures.name}: expected ${figures.expected}, got ${describeAnswers(figures.ours.answers)}` : "";
}
