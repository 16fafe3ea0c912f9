// The sweep and the daemon at scale: sweep time with nothing due and with everything due, how
// long a release request waits while a sweep runs, the policy process's memory and the store's
// file size, for a number of held entries. Figures only; nothing asserts on them.

import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { loadConfig } from "../config.js";
import { cliPath } from "../paths.js";
import { openPurgatoryContext } from "../plugin/purgatory-context.js";
import { releaseRepository } from "../plugin/release.js";
import { catchUp, pruneHistory, serialisedLane, sweep } from "../plugin/sweep.js";
import { fakeState, holdMany, randomPubkey } from "./held-store.js";

export interface SweepFigures {
  held: number;
  sweepNothingDueMs: number;
  catchUpNothingDueMs: number;
  sweepAllDueMs: number;
  /** Worst wait of release requests sent every 50 ms during the all-due sweep. */
  releaseDuringSweepMs: number;
  policyRssMiB: number;
  fileMiB: { held: number; afterExpiry: number; afterPrune: number };
}

const fileMiB = (path: string) => {
  const size = (file: string) => (statSync(file, { throwIfNoEntry: false })?.size ?? 0);
  return (size(path) + size(`${path}-wal`)) / 2 ** 20;
};

async function policyRssMiB(env: NodeJS.ProcessEnv, line: string): Promise<number> {
  const child = spawn(process.execPath, [cliPath, "policy"], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "ignore"] });
  const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  child.stdin.write(line + "\n");
  await answers.next();
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  child.stdin.end();
  await new Promise((resolve) => child.on("exit", resolve));
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export async function benchSweep(dir: string, held: number): Promise<SweepFigures> {
  const env = {
    GRASP_PURGATORY_SERVICE_HOST: "127.0.0.1:7777",
    GRASP_PURGATORY_GIT_ROOT: join(dir, "git"),
    GRASP_PURGATORY_DATA_DIR: join(dir, "data"),
    // Nothing listens there: the follower retries quietly, as with strfry down.
    GRASP_PURGATORY_RELAY_URL: "ws://127.0.0.1:9",
  };
  mkdirSync(env.GRASP_PURGATORY_GIT_ROOT, { recursive: true });
  const config = loadConfig({ env });
  const context = openPurgatoryContext(config);
  const storePath = join(config.dataDir, "purgatory.sqlite");
  try {
    const now = Math.floor(Date.now() / 1000);
    const pubkey = randomPubkey();
    holdMany(context, pubkey, held, now);
    const heldMiB = fileMiB(storePath);
    const lane = serialisedLane();
    const options = { historyRetentionSeconds: 30 * 86_400 };

    const time = async (work: () => Promise<unknown>) => {
      const started = process.hrtime.bigint();
      await work();
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const sweepNothingDueMs = await time(() => sweep(context, now, options, lane));
    const catchUpNothingDueMs = await time(() => catchUp(context, lane));
    const someEvent = JSON.stringify({ type: "new", event: fakeState(pubkey, "x", now), receivedAt: now, sourceType: "IP4", sourceInfo: "127.0.0.1" });
    context.db.pragma("wal_checkpoint(TRUNCATE)");
    const rss = await policyRssMiB(env, someEvent);

    // Everything due: release requests keep arriving while the sweep expires it all.
    let sweeping = true;
    let worstWaitMs = 0;
    const requests = (async () => {
      while (sweeping) {
        const waited = await time(() => lane(() => releaseRepository(context, pubkey, "repo-1")));
        worstWaitMs = Math.max(worstWaitMs, waited);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const sweepAllDueMs = await time(() => sweep(context, now + 3600, options, lane));
    sweeping = false;
    await requests;
    context.db.pragma("wal_checkpoint(TRUNCATE)");
    const afterExpiry = fileMiB(storePath);
    pruneHistory(context.db, now + 7200);
    context.db.pragma("wal_checkpoint(TRUNCATE)");
    const afterPrune = fileMiB(storePath);
    return {
      held,
      sweepNothingDueMs,
      catchUpNothingDueMs,
      sweepAllDueMs,
      releaseDuringSweepMs: worstWaitMs,
      policyRssMiB: rss,
      fileMiB: { held: heldMiB, afterExpiry, afterPrune },
    };
  } finally {
    context.close();
  }
}
