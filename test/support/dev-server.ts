// Runs the real `grasp-purgatory dev` as a process on a free port with a temporary data
// directory, waits for its `listening on` line, and stops it when the test is done.

import { spawn } from "node:child_process";
import { after } from "node:test";
import { join } from "node:path";
import { cliPath } from "../../src/paths.js";
import { tempDir } from "./temp-dir.js";

export interface DevServerProcessOptions {
  /** The write-policy plugin command; default: the project's own `grasp-purgatory policy`. */
  plugin?: string;
  pluginTimeoutSeconds?: number;
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
}

export interface DevServerProcess {
  httpUrl: string;
  relayUrl: string;
  /** host:port, as announcements list the service. */
  serviceHost: string;
  dataDir: string;
  gitRoot: string;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, as Ctrl-C would; resolves with the exit code. */
  stop(): Promise<number | null>;
}

const startTimeoutMs = 20_000;
const stopTimeoutMs = 15_000;

/**
 * Call it at the top level of a test file (or inside a test): node:test runs an `after`
 * registered inside a `before` hook as soon as that hook ends.
 */
export async function startDevServerProcess(options: DevServerProcessOptions = {}): Promise<DevServerProcess> {
  // Registered before the data directory's removal, so that the server stops first.
  let stop = async (): Promise<number | null> => null;
  after(() => stop());
  const dataDir = options.dataDir ?? tempDir("grasp-dev-");
  const args = [cliPath, "dev", "--port", "0", "--data", dataDir];
  if (options.plugin !== undefined) args.push("--plugin", options.plugin);
  if (options.pluginTimeoutSeconds !== undefined) args.push("--plugin-timeout", String(options.pluginTimeoutSeconds));
  const child = spawn(process.execPath, args, { env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

  stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };

  const httpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev server did not start within ${startTimeoutMs} ms:\n${stderr}`)), startTimeoutMs);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const found = /^listening on (http:\/\/\S+)$/m.exec(stdout);
      if (found !== null) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`dev server exited with ${code} before listening:\n${stderr}`));
    });
  });
  const serviceHost = new URL(httpUrl).host;
  return {
    httpUrl,
    relayUrl: `ws://${serviceHost}`,
    serviceHost,
    dataDir,
    gitRoot: join(dataDir, "git"),
    stdout: () => stdout,
    stderr: () => stderr,
    stop: () => stop(),
  };
}
