// Runs the real `grasp-purgatory policy` the way strfry does: `/bin/sh -c <command>`, one
// JSON request per line on stdin, one answer per line on stdout.

import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { after } from "node:test";
import type { NostrEvent } from "nostr-tools";
import { cliPath } from "../../src/paths.js";

export interface PolicySettings {
  serviceHost: string;
  gitRoot: string;
  dataDir: string;
  /** Where the follower looks for strfry; default: a port nothing listens on (no relay). */
  relayUrl?: string;
  /** Further settings, e.g. GRASP_PURGATORY_TTL_SECONDS. */
  env?: Record<string, string>;
}

export interface PluginAnswer {
  id: string;
  action: string;
  msg: string;
}

export interface RunningPolicy {
  child: ChildProcessWithoutNullStreams;
  /** Every stdout line, parsed or not, in order: stdout must carry answers only. */
  stdoutLines: string[];
  stderr(): string;
  sendLine(line: string): void;
  /** Sends one request and waits for the next answer line. */
  submit(event: NostrEvent): Promise<PluginAnswer>;
  nextAnswer(): Promise<PluginAnswer>;
  /** SIGKILL to /bin/sh and the policy process under it, as a crash would. */
  killHard(): void;
  /** Closes stdin and waits for the exit code. */
  close(): Promise<number | null>;
  exited: Promise<number | null>;
}

export function requestLine(event: unknown, sourceType = "IP4"): string {
  return JSON.stringify({ type: "new", event, receivedAt: Math.floor(Date.now() / 1000), sourceType, sourceInfo: "127.0.0.1" });
}

export function startPolicy(settings: PolicySettings): RunningPolicy {
  const child = spawn("/bin/sh", ["-c", `${cliPath} policy`], {
    env: {
      ...process.env,
      GRASP_PURGATORY_SERVICE_HOST: settings.serviceHost,
      GRASP_PURGATORY_GIT_ROOT: settings.gitRoot,
      GRASP_PURGATORY_DATA_DIR: settings.dataDir,
      GRASP_PURGATORY_RELAY_URL: settings.relayUrl ?? "ws://127.0.0.1:9",
      ...settings.env,
    },
    stdio: ["pipe", "pipe", "pipe"],
    // Its own process group, so that a crash test can kill node and not only /bin/sh.
    detached: true,
  });
  const killHard = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  };
  after(killHard);
  const stdoutLines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  const unread: string[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    stdoutLines.push(line);
    const waiter = waiting.shift();
    if (waiter === undefined) unread.push(line);
    else waiter(line);
  });
  let stderrText = "";
  child.stderr.on("data", (chunk) => (stderrText += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

  const nextAnswer = async (): Promise<PluginAnswer> => {
    const line =
      unread.shift() ??
      (await new Promise<string>((resolve, reject) => {
        waiting.push(resolve);
        void exited.then(() => reject(new Error(`policy exited before answering; stderr:\n${stderrText}`)));
      }));
    return JSON.parse(line) as PluginAnswer;
  };
  const sendLine = (line: string) => child.stdin.write(line + "\n");
  return {
    child,
    stdoutLines,
    stderr: () => stderrText,
    sendLine,
    nextAnswer,
    killHard,
    submit: (event) => {
      sendLine(requestLine(event));
      return nextAnswer();
    },
    close: () => {
      child.stdin.end();
      return exited;
    },
    exited,
  };
}
