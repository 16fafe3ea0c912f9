// "Does this repository have these objects?" is asked for every state and PR event, on
// strfry's hot path. One long-lived `git cat-file --batch-check` per repository answers it
// without spawning a process per event; the pool is bounded and idle checkers are closed.

import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { isObjectId } from "../nostr/repository-state.js";
import { gitEnvironment } from "./run.js";

interface Checker {
  child: ChildProcessWithoutNullStreams;
  waiting: ((line: string) => void)[];
  idleTimer: NodeJS.Timeout | undefined;
  /** Serialises callers: one batch of questions at a time per process. */
  queue: Promise<unknown>;
}

export interface ObjectCheckerOptions {
  maxProcesses?: number;
  idleMilliseconds?: number;
}

export interface ObjectChecker {
  /** The objects (of those asked) that the repository does not have. */
  missingObjects(repository: string, oids: readonly string[]): Promise<string[]>;
  close(): void;
}

export function objectChecker(options: ObjectCheckerOptions = {}): ObjectChecker {
  const maxProcesses = options.maxProcesses ?? 8;
  const idleMilliseconds = options.idleMilliseconds ?? 30_000;
  const checkers = new Map<string, Checker>();

  const stop = (repository: string) => {
    const checker = checkers.get(repository);
    if (checker === undefined) return;
    checkers.delete(repository);
    clearTimeout(checker.idleTimer);
    checker.child.stdin.end();
    checker.child.kill();
  };

  const start = (repository: string): Checker => {
    if (checkers.size >= maxProcesses) stop(checkers.keys().next().value!);
    const child = spawn("git", ["cat-file", "--batch-check=%(objectname) %(objecttype)"], {
      cwd: repository,
      env: { ...process.env, ...gitEnvironment },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const checker: Checker = { child, waiting: [], idleTimer: undefined, queue: Promise.resolve() };
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

  return {
    async missingObjects(repository, oids) {
      // Anything that is not an object id never reaches git's stdin (no newline injection).
      const valid = oids.filter(isObjectId);
      const missing = oids.filter((oid) => !isObjectId(oid));
      if (valid.length === 0) return missing;
      // Recently used goes last, so the first entry is the least recently used.
      const checker = checkers.get(repository) ?? start(repository);
      checkers.delete(repository);
      checkers.set(repository, checker);
      clearTimeout(checker.idleTimer);
      const answers = checker.queue.then(() => Promise.all(valid.map((oid) => ask(checker, oid))));
      checker.queue = answers.catch(() => undefined);
      const lines = await answers;
      checker.idleTimer = setTimeout(() => stop(repository), idleMilliseconds);
      checker.idleTimer.unref();
      valid.forEach((oid, index) => {
        if (!lines[index]!.startsWith(`${oid} `) || lines[index]!.endsWith(" missing")) missing.push(oid);
      });
      return missing;
    },
    close() {
      for (const repository of [...checkers.keys()]) stop(repository);
    },
  };
}
