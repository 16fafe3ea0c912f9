// Baseline and ours in the same sitting: their events go in alternating chunks (A B, then B A,
// ...), so that a machine that slows down for a while slows both down.

import { median } from "./measure.js";
import type { PipedPlugin } from "./plugin-pipe.js";

export interface PipeRun {
  plugin: PipedPlugin;
  lines: readonly string[];
}

export interface PipeFigures {
  /** Each event's answer time, in ms. */
  latencies: number[];
  /** Each chunk's total answer time, in ms. */
  chunkMs: number[];
  /** How many answers of each kind ("shadowReject purgatory: ..."), to check the workload. */
  answers: Map<string, number>;
}

export async function interleaved(runs: readonly PipeRun[], chunkSize: number): Promise<PipeFigures[]> {
  const figures = runs.map((): PipeFigures => ({ latencies: [], chunkMs: [], answers: new Map() }));
  const chunks = Math.ceil(Math.max(...runs.map((run) => run.lines.length)) / chunkSize);
  for (let chunk = 0; chunk < chunks; chunk++) {
    const order = runs.map((_, index) => index);
    if (chunk % 2 === 1) order.reverse();
    for (const index of order) {
      const { plugin, lines } = runs[index]!;
      const own = figures[index]!;
      let total = 0;
      for (const line of lines.slice(chunk * chunkSize, (chunk + 1) * chunkSize)) {
        const answer = await plugin.ask(line);
        own.latencies.push(answer.ms);
        total += answer.ms;
        const key = `${answer.action} ${answer.msg.split(" ").slice(0, 4).join(" ")}`.trim();
        own.answers.set(key, (own.answers.get(key) ?? 0) + 1);
      }
      own.chunkMs.push(total);
    }
  }
  return figures;
}

/** "accept: 1999, reject blocked: kind 1 ...: 1" */
export function describeAnswers(answers: ReadonlyMap<string, number>): string {
  return [...answers].map(([key, count]) => `${key}: ${count}`).join(", ");
}

/** Pair by pair (chunk i of ours against chunk i of the baseline), the median ratio. */
export function medianRatio(ours: readonly number[], baseline: readonly number[]): number {
  return median(ours.map((value, index) => value / baseline[index]!));
}
