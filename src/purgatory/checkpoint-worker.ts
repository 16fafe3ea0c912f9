// The worker thread of src/purgatory/checkpoints.ts: its own connection to the store, which
// copies the WAL back into the database file on a timer. PASSIVE never waits for, nor blocks,
// the policy's writes.

import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = new Database(path);
setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
}, intervalMs);
