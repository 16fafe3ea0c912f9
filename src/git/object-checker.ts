// "Does this repository have these objects?" is asked for every state and PR event, on
// strfry's hot path. The object store is read directly (src/git/object-store.ts) where its
// layout allows, so no process starts however many repositories are hosted; otherwise one
// long-lived `git cat-file --batch-check` per repository answers it (and `refs/nostr/<id>`);
// the pool is bounded (a checker with questions in flight is never evicted, so the bound gives
// way under load rather than answers) and idle checkers are closed.

import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { isHex64 } from "../nostr/event.js";
import { isObjectId } from "../nostr/repository-state.js";
import { gitBinary } from "./git-binary.js";
import { hasObject, packIndexes, readRefDirectly, refsAreFiles } from "./object-store.js";
import { gitEnvironment } from "./run.js";

interface Checker {
  child: ChildProcessWithoutNullStreams;
  waiting: ((line: string) => void)[];
  idleTimer: NodeJS.Timeout | undefined;
  /** Serialises callers: one batch of questions at a time per process. */
  queue: Promise<unknown>;
  /** Batches asked and not yet answered: a busy checker is never stopped. */
  inFlight: number;
}

export interface ObjectCheckerOptions {
  maxProcesses?: number;
  idleMilliseconds?: number;
}

export interface ObjectChecker {
  /** The objects (of those asked) that the repository does not have. */
  missingObjects(repository: string, oids: readonly string[]): Promise<string[]>;
  /** Where `refs/nostr/<event id>` points, if it exists. */
  nostrRef(repository: string, eventId: string): Promise<string | undefined>;
  close(): void;
}

export function objectChecker(options: ObjectCheckerOptions = {}): ObjectChecker {
  const maxProcesses = options.maxProcesses ?? 8;
  const idleMilliseconds = options.idleMilliseconds ?? 30_000;
  const checkers = new Map<string, Checker>();
  const indexes = packIndexes();

  const stop = (repository: string) => {
    const checker = checkers.get(repository);
    if (checker === undefined) return;
    checkers.delete(repository);
    clearTimeout(checker.idleTimer);
    checker.child.stdin.end();
    checker.child.kill();
  };

  const start = (repository: string): Checker => {
    if (checkers.size >= maxProcesses) {
      // Map order is least recently used first.
      const idle = [...checkers].find(([, checker]) => checker.inFlight === 0);
      if (idle !== undefined) stop(idle[0]);
    }
    const child = spawn(gitBinary, ["cat-file", "--batch-check=%(objectname) %(objecttype)"], {
      cwd: repository,
      env: { ...process.env, ...gitEnvironment },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const checker: Checker = { child, waiting: [], idleTimer: undefined, queue: Promise.resolve(), inFlight: 0 };
    createInterface({ input: child.stdout }).on("line", (line) => checker.waiting.shift()?.(line));
    child.stderr.resume();
    child.on("exit", () => {
      if (checkers.get(repository) === checker) checkers.delete(repository);
      for (const waiter of checker.waiting.splice(0)) waiter("");
    });
    child.on("error", () => child.emit("exit"));
    child.stdin.on("error", () => undefined);
    checkers.set(repository, checker);
    return checker;
  };

  const ask = (checker: Checker, oid: string) =>
    new Promise<string>((resolve) => {
      checker.waiting.push(resolve);
      checker.child.stdin.write(oid + "\n");
    });

  /** One batch of questions (object ids or ref names) and git's answer line for each. */
  const query = async (repository: string, questions: readonly string[]): Promise<string[]> => {
    // Recently used goes last, so the first entry is the least recently used.
    const checker = checkers.get(repository) ?? start(repository);
    checkers.delete(repository);
    checkers.set(repository, checker);
    clearTimeout(checker.idleTimer);
    checker.inFlight += 1;
    const answers = checker.queue.then(() => Promise.all(questions.map((question) => ask(checker, question))));
    checker.queue = answers.catch(() => undefined);
    let lines: string[];
    try {
      lines = await answers;
    } finally {
      checker.inFlight -= 1;
      if (checker.inFlight === 0) {
        clearTimeout(checker.idleTimer);
        checker.idleTimer = setTimeout(() => stop(repository), idleMilliseconds);
        checker.idleTimer.unref();
      }
    }
    return lines;
  };

  return {
    async missingObjects(repository, oids) {
      // Anything that is not an object id never reaches git's stdin (no newline injection).
      const missing = oids.filter((oid) => !isObjectId(oid));
      // Read from the object store directly where its layout allows; git answers the rest.
      const unread: string[] = [];
      for (const oid of oids.filter(isObjectId)) {
        const found = hasObject(repository, oid, indexes);
        if (found === undefined) unread.push(oid);
        else if (!found) missing.push(oid);
      }
      if (unread.length === 0) return missing;
      const lines = await query(repository, unread);
      unread.forEach((oid, index) => {
        if (!lines[index]!.startsWith(`${oid} `) || lines[index]!.endsWith(" missing")) missing.push(oid);
      });
      return missing;
    },
    async nostrRef(repository, eventId) {
      if (!isHex64(eventId)) return undefined;
      if (refsAreFiles(repository)) return readRefDirectly(repository, `refs/nostr/${eventId}`);
      const [line = ""] = await query(repository, [`refs/nostr/${eventId}`]);
      const [oid = "", type] = line.split(" ");
      return isObjectId(oid) && type !== "missing" ? oid : undefined;
    },
    close() {
      for (const repository of [...checkers.keys()]) stop(repository);
      indexes.close();
    },
  };
}
