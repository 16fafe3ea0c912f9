// How `stack` knows each part answers: polled conditions that name what is still wrong, and
// give up at once when a process they need has exited.

import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { ExitCode, GraspError } from "../errors.js";
import { errorMessage } from "../log.js";
import { relayRequest } from "../plugin/relay-request.js";
import { isRunning } from "./processes.js";
import type { ProcessRecord } from "./processes.js";

/** Polls `check` until it finds no problem. */
export async function waitFor(what: string, check: () => Promise<string | undefined>, timeoutMs: number, needs: readonly ProcessRecord[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const gone = needs.find((entry) => !isRunning(entry));
    if (gone !== undefined) throw new GraspError(`${what} will not answer: ${gone.name} (pid ${gone.pid}) exited; its log says why`);
    const problem = await check().catch((error: unknown) => errorMessage(error));
    if (problem === undefined) return;
    last = problem;
    if (Date.now() > deadline) throw new GraspError(`${what} did not answer within ${timeoutMs / 1000} s: ${last}`);
    await sleep(100);
  }
}

export async function nip11Problem(url: string): Promise<string | undefined> {
  const response = await fetch(url, { headers: { Accept: "application/nostr+json" }, signal: AbortSignal.timeout(3000) });
  if (response.status !== 200) return `GET ${url} answered ${response.status}`;
  const document = (await response.json()) as { supported_grasps?: unknown };
  return Array.isArray(document.supported_grasps) ? undefined : "the NIP-11 document has no supported_grasps";
}

export async function relayProblem(url: string): Promise<string | undefined> {
  const answer = await relayRequest(url, ["REQ", "stack", { limit: 0 }], (message) => message[0] === "EOSE", 3000);
  return answer.ok ? undefined : answer.error;
}

/** fcgiwrap forks its workers after it got its socket. */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** nginx would fail to bind a port in use, and only say so in its log. */
export function requireFreePort(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", () => reject(new GraspError(`port ${port} on ${host} is in use: give stack start another --port`, ExitCode.usage)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
