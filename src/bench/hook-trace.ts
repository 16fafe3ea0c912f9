// Where a push's time goes on the server: git's own trace (GIT_TRACE2_EVENT, JSON lines, set
// for the dev server and so for git http-backend and receive-pack) records when each hook
// started and how long it ran. Read after each push, only what that push appended.

import { closeSync, openSync, readSync, statSync } from "node:fs";

export interface HookTime {
  hook: string;
  ms: number;
}

interface TraceEvent {
  event?: string;
  sid?: string;
  child_id?: number;
  child_class?: string;
  hook_name?: string;
  t_rel?: number;
}

/** The hooks that ran (and ended) in these trace lines, with their run times. */
export function hookTimes(text: string): HookTime[] {
  const started = new Map<string, string>();
  const times: HookTime[] = [];
  for (const line of text.split("\n")) {
    if (!line.includes('"child_')) continue;
    let event: TraceEvent;
    try {
      event = JSON.parse(line) as TraceEvent;
    } catch {
      continue;
    }
    const key = `${event.sid} ${event.child_id}`;
    if (event.event === "child_start" && event.child_class === "hook" && event.hook_name !== undefined) started.set(key, event.hook_name);
    if (event.event === "child_exit" && started.has(key)) times.push({ hook: started.get(key)!, ms: (event.t_rel ?? Number.NaN) * 1000 });
  }
  return times;
}

/** Reads what a file gained since the last call. */
export function fileTail(path: string): () => string {
  let offset = 0;
  return () => {
    const size = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
    if (size <= offset) return "";
    const buffer = Buffer.alloc(size - offset);
    const fd = openSync(path, "r");
    try {
      readSync(fd, buffer, 0, buffer.length, offset);
    } finally {
      closeSync(fd);
    }
    offset = size;
    return buffer.toString("utf8");
  };
}
