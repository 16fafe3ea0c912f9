// Processes the end-to-end tests watch: whether one still runs, and which pid the policy has.

import assert from "node:assert/strict";
import type { DevServerProcess } from "./dev-server.js";

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pids of every policy process the server started, oldest first, from their "policy process ready" log lines. */
export function policyProcessIds(server: Pick<DevServerProcess, "stderr">): number[] {
  return [...server.stderr().matchAll(/"msg":"policy process ready","pid":(\d+)/g)].map((match) => Number(match[1]));
}

/** The pid of the server's newest policy process. */
export function policyProcessId(server: Pick<DevServerProcess, "stderr">): number {
  const pids = policyProcessIds(server);
  assert.ok(pids.length > 0, "the policy process has started");
  return pids.at(-1)!;
}
