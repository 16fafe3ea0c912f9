// Checkpoints off the answer's thread. A WAL commit only appends to the WAL; copying the WAL
// back into the database file (a checkpoint, with its fsyncs) is what is slow, and SQLite runs
// it inside whichever commit crosses 1,000 pages: every few hundred held events, one answer
// waited on the disk (on these machines a commit took 115 µs with it, 50 µs without). The
// policy process turns that off for its own connection once a worker thread checkpoints on a
// timer instead; should the worker fail, SQLite's own checkpoints come back.

import { Worker } from "node:worker_threads";
import { errorMessage, log } from "../log.js";
import { checkpointWorkerPath } from "../paths.js";
import type { Db } from "./database.js";

const checkpointIntervalMs = 500;
const sqliteDefaultAutoCheckpointPages = 1000;

export interface BackgroundCheckpoints {
  close(): Promise<void>;
}

export function checkpointInBackground(db: Db): BackgroundCheckpoints {
  const worker = new Worker(checkpointWorkerPath, { workerData: { path: db.name, intervalMs: checkpointIntervalMs } });
  let closing = false;
  const fallBack = (problem: string) => {
    if (!db.open) return;
    db.pragma(`wal_autocheckpoint = ${sqliteDefaultAutoCheckpointPages}`);
    if (!closing) log.warn("background checkpoints stopped; the policy's commits checkpoint again", { problem });
  };
  worker.once("online", () => {
    if (!db.open || closing) return;
    db.pragma("wal_autocheckpoint = 0");
    log.debug("checkpoints run in the background", { intervalMs: checkpointIntervalMs });
  });
  worker.on("message", (message: { error?: string }) => log.warn("a background checkpoint failed", { error: message.error }));
  worker.once("error", (error) => fallBack(errorMessage(error)));
  worker.once("exit", (code) => fallBack(`the checkpoint worker exited (${code})`));
  // The process ends when strfry closes stdin, whatever this thread does.
  worker.unref();
  return {
    async close() {
      closing = true;
      fallBack("closing");
      await worker.terminate();
    },
  };
}
