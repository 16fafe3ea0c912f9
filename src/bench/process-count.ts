// How many processes a running process starts while a workload runs. With `perf` (Debian's
// linux-perf) the kernel counts every task the process creates (the task:task_newtask
// tracepoint): exact, and nearly free for the process, so it runs during the timed events.
// Without perf, the process's children are polled through /proc: a process that starts and
// ends between two polls is missed, so that figure is only a lower bound.

import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { sleep } from "./measure.js";

export interface TaskCount {
  count: number;
  /** "perf": every task created (threads included); "polled": children seen, at least that many. */
  method: "perf" | "polled";
}

export interface TaskCounter {
  stop(): Promise<TaskCount>;
}

let perfWorks: boolean | undefined;

function perfAvailable(): boolean {
  if (perfWorks === undefined) {
    const probe = spawnSync("perf", ["stat", "-x,", "-e", "task:task_newtask", "true"], { encoding: "utf8" });
    perfWorks = probe.status === 0 && /^\d+,/m.test(probe.stderr ?? "");
  }
  return perfWorks;
}

async function countWithPerf(pid: number): Promise<TaskCounter> {
  const perf = spawn("perf", ["stat", "-x,", "-e", "task:task_newtask", "-p", String(pid)], { stdio: ["ignore", "ignore", "pipe"] });
  let output = "";
  perf.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => perf.once("exit", () => resolve()));
  // perf says nothing once it is attached: give it the time it takes.
  await sleep(500);
  return {
    async stop() {
      perf.kill("SIGINT");
      await exited;
      const count = /^(\d+),/m.exec(output)?.[1];
      if (count === undefined) throw new Error(`bench: perf counted nothing: ${output.trim().slice(0, 300)}`);
      return { count: Number(count), method: "perf" };
    },
  };
}

/** The process's children now, as pid:start-time (a reused pid is another process). */
function children(pid: number): string[] {
  const found: string[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const task of tasks) {
    let list = "";
    try {
      list = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8");
    } catch {
      continue;
    }
    for (const child of list.split(" ").filter(Boolean)) {
      try {
        const stat = readFileSync(`/proc/${child}/stat`, "utf8");
        // Field 22, after the parenthesised command name.
        found.push(`${child}:${stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]}`);
      } catch {
        // gone already
      }
    }
  }
  return found;
}

function countByPolling(pid: number): TaskCounter {
  const before = new Set(children(pid));
  const seen = new Set<string>();
  const timer = setInterval(() => children(pid).forEach((child) => before.has(child) || seen.add(child)), 5);
  return {
    async stop() {
      clearInterval(timer);
      return { count: seen.size, method: "polled" };
    },
  };
}

export async function countNewTasks(pid: number): Promise<TaskCounter> {
  return perfAvailable() ? countWithPerf(pid) : countByPolling(pid);
}
