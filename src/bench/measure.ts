// Small statistics and timing helpers for the bench: medians and percentiles of samples, and
// the wall time of one whole process. Figures only; nothing here judges them.

import { spawnSync } from "node:child_process";
import type { SpawnSyncOptions } from "node:child_process";

export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest rank: p99 of 100 samples is the 99th smallest.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1]!;
}

export const median = (samples: readonly number[]) => percentile(samples, 0.5);

export function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export interface TimedProcess {
  ms: number;
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end and returns its wall time, from start to exit, and its output. */
export function timeProcess(command: string, args: readonly string[], options: SpawnSyncOptions = {}): TimedProcess {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { ...options, encoding: "utf8", maxBuffer: 16 * 2 ** 20 });
  const ms = elapsedMs(started);
  if (result.error !== undefined) throw result.error;
  return { ms, status: result.status ?? -1, stdout: String(result.stdout ?? ""), stderr: String(result.stderr ?? "") };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`bench: ${what} did not happen within ${timeoutMs / 1000} s`);
    await sleep(20);
  }
}

/** Progress for the person waiting, on stderr, so that stdout holds only the tables. */
export function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
