// The operator CLI as an operator runs it: `grasp-purgatory <command>` as a real process with
// the settings in the environment, pointed at a dev server's git root and data directory.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { renameSync } from "node:fs";
import { join } from "node:path";
import { cliPath } from "../../src/paths.js";
import type { DevServerProcess } from "./dev-server.js";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export type Settings = Record<string, string>;

export interface OperatorCli {
  settings: Settings;
  /** Runs `grasp-purgatory ...args`; `env` overrides single settings ("" unsets one). */
  run(args: readonly string[], env?: Settings): Promise<CliResult>;
  /** Runs the command with `--json`, expects exit 0 and returns the parsed output. */
  json<T>(args: readonly string[], env?: Settings): Promise<T>;
}

/** This machine's environment without any grasp-purgatory setting, so only ours count. */
function cleanEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("GRASP_PURGATORY_")));
}

/** The settings the dev server gives its policy process, plus `extra` (what the test also gave the server). */
export function serverSettings(server: DevServerProcess, extra: Settings = {}): Settings {
  return {
    GRASP_PURGATORY_SERVICE_HOST: server.serviceHost,
    GRASP_PURGATORY_GIT_ROOT: server.gitRoot,
    GRASP_PURGATORY_DATA_DIR: join(server.dataDir, "data"),
    GRASP_PURGATORY_RELAY_URL: server.relayUrl,
    ...extra,
  };
}

/** The CLI as a process with exactly `env`, optionally as another user or in another directory. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, as: { uid?: number; gid?: number; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env, stdio: ["ignore", "pipe", "pipe"], uid: as.uid, gid: as.gid, cwd: as.cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

export function operatorCli(settings: Settings): OperatorCli {
  const run = (args: readonly string[], env: Settings = {}) => runCli(args, { ...cleanEnvironment(), ...settings, ...env });
  return {
    settings,
    run,
    async json<T>(args: readonly string[], env: Settings = {}): Promise<T> {
      const result = await run([...args, "--json"], env);
      assert.equal(result.status, 0, `grasp-purgatory ${args.join(" ")} --json failed (${result.status}):\n${result.stderr}`);
      return JSON.parse(result.stdout) as T;
    },
  };
}

/** The one line a failing command prints: `grasp-purgatory: <reason>`. */
export function assertOneLineReason(result: CliResult, status: number, reason: string | RegExp): void {
  assert.equal(result.status, status, `exit ${result.status}, expected ${status}:\n${result.stdout}\n${result.stderr}`);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line on stderr:\n${result.stderr}`);
  assert.match(lines[0]!, /^grasp-purgatory: /);
  if (typeof reason === "string") assert.ok(lines[0]!.includes(reason), `"${lines[0]}" lacks "${reason}"`);
  else assert.match(lines[0]!, reason);
}

/** commander's usage error: exit 64 and `error: ...` first on stderr (the help follows). */
export function assertUsageError(result: CliResult, reason: string | RegExp): void {
  assert.equal(result.status, 64, `exit ${result.status}, expected 64:\n${result.stdout}\n${result.stderr}`);
  const first = result.stderr.split("\n")[0]!;
  assert.match(first, /^error: /);
  if (typeof reason === "string") assert.ok(first.includes(reason), `"${first}" lacks "${reason}"`);
  else assert.match(first, reason);
}

/**
 * Runs `body` while the daemon's socket is renamed away: the daemon keeps running but no hook
 * or command can reach it, as when the policy process is down.
 */
export async function withDaemonUnreachable<T>(server: DevServerProcess, body: () => Promise<T> | T): Promise<T> {
  const socket = join(server.dataDir, "data", "daemon.sock");
  const away = `${socket}.away`;
  renameSync(socket, away);
  try {
    return await body();
  } finally {
    renameSync(away, socket);
  }
}
