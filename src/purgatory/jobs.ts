// Durable jobs: effects waiting to run (src/policy/effects.ts). A job is `ready` at once or
// only when strfry has stored its event; a failure is retried with backoff and logged by the
// runner; a job whose event strfry never stored is discarded with it. Each effect is
// idempotent, so running one twice after a crash does no harm.

import type { Effect } from "../policy/effects.js";
import type { Db } from "./database.js";
import { writeTransaction } from "./database.js";

export interface Job {
  seq: number;
  eventId: string;
  effect: Effect;
  attempts: number;
}

export interface JobCounts {
  waiting: number;
  ready: number;
}

export interface Jobs {
  /** Records effects of `eventId`, to run from `runAt` (default now); the same effect of the same event is recorded once. */
  enqueue(eventId: string, effects: readonly Effect[], ready: boolean, now: number, runAt?: number): void;
  /** strfry stored the event: its waiting jobs may run. */
  markReady(eventId: string, now: number): void;
  /** strfry never stored the event: its waiting jobs go with it. */
  discardWaiting(eventId: string): void;
  due(now: number, limit: number): Job[];
  done(seq: number): void;
  /** Schedules another attempt at `at`. */
  failed(seq: number, at: number, error: string): void;
  counts(): JobCounts;
}

interface JobRow {
  seq: number;
  event_id: string;
  effect: string;
  attempts: number;
}

export function jobs(db: Db): Jobs {
  const statements = {
    insert: db.prepare("INSERT OR IGNORE INTO jobs (key, event_id, effect, ready, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?)"),
    markReady: db.prepare("UPDATE jobs SET ready = 1, next_at = ? WHERE event_id = ? AND ready = 0"),
    discardWaiting: db.prepare("DELETE FROM jobs WHERE event_id = ? AND ready = 0"),
    due: db.prepare<[number, number], JobRow>("SELECT seq, event_id, effect, attempts FROM jobs WHERE ready = 1 AND next_at <= ? ORDER BY next_at, seq LIMIT ?"),
    done: db.prepare("DELETE FROM jobs WHERE seq = ?"),
    failed: db.prepare("UPDATE jobs SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE seq = ?"),
    counts: db.prepare<[], { waiting: number; ready: number }>(
      "SELECT COALESCE(SUM(1 - ready), 0) AS waiting, COALESCE(SUM(ready), 0) AS ready FROM jobs",
    ),
  };
  const enqueue = writeTransaction(db, (eventId: string, effects: readonly Effect[], ready: boolean, now: number, runAt: number = now) => {
    for (const effect of effects) {
      const json = JSON.stringify(effect);
      statements.insert.run(`${eventId}:${json}`, eventId, json, ready ? 1 : 0, runAt, now);
    }
  });
  return {
    enqueue: (eventId, effects, ready, now, runAt) => enqueue(eventId, effects, ready, now, runAt),
    markReady: (eventId, now) => void statements.markReady.run(now, eventId),
    discardWaiting: (eventId) => void statements.discardWaiting.run(eventId),
    due: (now, limit) =>
      statements.due.all(now, limit).map((row) => ({ seq: row.seq, eventId: row.event_id, effect: JSON.parse(row.effect) as Effect, attempts: row.attempts })),
    done: (seq) => void statements.done.run(seq),
    failed: (seq, at, error) => void statements.failed.run(at, error.slice(0, 1000), seq),
    counts: () => statements.counts.get()!,
  };
}
