// The local GRASP server (`grasp-purgatory dev`) as a process on a free port, for the push
// figures: its relay (which runs our policy process as strfry would), git http-backend, and a
// way to find, ping and kill the policy process inside it.

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { NostrEvent } from "nostr-tools";
import WebSocket from "ws";
import { cliPath } from "../paths.js";
import { sleep, waitFor } from "./measure.js";

export interface DevStack {
  httpUrl: string;
  relayUrl: string;
  serviceHost: string;
  gitRoot: string;
  socketPath: string;
  /** The pid the policy process last logged as ready, if it ever started. */
  policyPid(): number | undefined;
  stop(): Promise<void>;
}

export async function startDevStack(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<DevStack> {
  const child = spawn(process.execPath, [cliPath, "dev", "--port", "0", "--data", dataDir], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let policyPid: number | undefined;
  let recentLog: string[] = [];
  createInterface({ input: child.stderr }).on("line", (line) => {
    recentLog = [...recentLog.slice(-20), line];
    if (!line.includes("policy process ready")) return;
    try {
      policyPid = (JSON.parse(line) as { pid?: number }).pid;
    } catch {
      // not a log line of ours
    }
  });
  let stdout = "";
  const httpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench: the dev server did not start:\n${recentLog.join("\n")}`)), 20_000);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const found = /^listening on (http:\/\/\S+)$/m.exec(stdout);
      if (found === null) return;
      clearTimeout(timer);
      resolve(found[1]!);
    });
    void exited.then(() => reject(new Error(`bench: the dev server exited:\n${recentLog.join("\n")}`)));
  });
  const serviceHost = new URL(httpUrl).host;
  return {
    httpUrl,
    relayUrl: `ws://${serviceHost}`,
    serviceHost,
    gitRoot: join(dataDir, "git"),
    socketPath: join(dataDir, "data", "daemon.sock"),
    policyPid: () => policyPid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The pid the daemon answers `ping` with, or undefined when nothing answers within a second. */
export function pingDaemon(socketPath: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const connection = createConnection(socketPath);
    const finish = (pid: number | undefined) => {
      clearTimeout(timer);
      connection.destroy();
      resolve(pid);
    };
    const timer = setTimeout(() => finish(undefined), 1000);
    connection.on("error", () => finish(undefined));
    connection.on("connect", () => connection.write(`${JSON.stringify({ op: "ping" })}\n`));
    createInterface({ input: connection })
      .on("error", () => undefined)
      .once("line", (line) => {
        try {
          const answer = JSON.parse(line) as { ok?: boolean; pid?: number };
          finish(answer.ok === true ? (answer.pid ?? 0) : undefined);
        } catch {
          finish(undefined);
        }
      });
  });
}

/** Waits until the daemon answers from the policy process now running (not `notPid`). */
export async function waitForDaemon(stack: DevStack, notPid?: number): Promise<number> {
  return waitFor("the daemon answering", async () => {
    const pid = await pingDaemon(stack.socketPath);
    return pid !== undefined && pid !== notPid ? pid : undefined;
  });
}

function isGone(pid: number): boolean {
  try {
    // A zombie (killed, not yet reaped by the relay) is gone too.
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z") ?? true;
  } catch {
    return true;
  }
}

/** SIGKILL, as a crash would; resolves once the process has gone. */
export async function killPolicy(pid: number): Promise<void> {
  process.kill(pid, "SIGKILL");
  await waitFor("the killed policy process going", () => (isGone(pid) ? true : undefined));
}

export interface RelayPublisher {
  /** Publishes and returns the OK's [accepted, message]; retried once after `error: internal error` (a plugin found dead). */
  publish(event: NostrEvent): Promise<[boolean, string]>;
  close(): void;
}

export async function connectPublisher(relayUrl: string): Promise<RelayPublisher> {
  const socket = new WebSocket(relayUrl);
  const waiting = new Map<string, (ok: [boolean, string]) => void>();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as unknown[];
    if (message[0] === "OK") waiting.get(String(message[1]))?.([message[2] === true, String(message[3] ?? "")]);
  });
  await new Promise<void>((resolve, reject) => socket.once("open", () => resolve()).once("error", reject));
  const once = (event: NostrEvent) =>
    new Promise<[boolean, string]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench: no OK for ${event.id} within 20 s`)), 20_000);
      waiting.set(event.id, (ok) => {
        clearTimeout(timer);
        waiting.delete(event.id);
        resolve(ok);
      });
      socket.send(JSON.stringify(["EVENT", event]));
    });
  return {
    async publish(event) {
      const ok = await once(event);
      if (ok[0] || ok[1] !== "error: internal error") return ok;
      await sleep(100);
      return once(event);
    },
    close: () => socket.close(),
  };
}
