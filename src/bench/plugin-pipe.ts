// A write-policy plugin driven as strfry drives it: one request line on stdin, wait for its
// answer line on stdout, then the next. Each answer comes back with how long it took.

import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { cliPath } from "../paths.js";
import { profileArguments } from "./cpu-profile.js";
import { elapsedMs } from "./measure.js";

export interface PluginAnswer {
  action: string;
  msg: string;
  ms: number;
}

export interface PipedPlugin {
  pid: number;
  ask(line: string): Promise<PluginAnswer>;
  /** Closes stdin, as strfry does on shutdown, and waits for the process to end. */
  close(): Promise<void>;
}

export function startPlugin(args: readonly string[], env: NodeJS.ProcessEnv = {}): PipedPlugin {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "ignore"] });
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => waiting.shift()?.(line));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stdin.on("error", () => undefined);
  return {
    pid: child.pid!,
    ask(line) {
      return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        waiting.push((answer) => {
          const ms = elapsedMs(started);
          try {
            const { action, msg } = JSON.parse(answer) as { action: string; msg?: string };
            resolve({ action, msg: msg ?? "", ms });
          } catch {
            reject(new Error(`bench: the plugin answered something that is not JSON: ${answer.slice(0, 200)}`));
          }
        });
        child.stdin.write(line + "\n");
      });
    },
    async close() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const unbundledCliPath = fileURLToPath(new URL("./unbundled-cli.js", import.meta.url));

/** The policy process (the daemon inside it included) with the settings in `env`; `label` names its CPU profile. */
export function startPolicy(env: NodeJS.ProcessEnv, label: string): PipedPlugin {
  const profiling = profileArguments(label);
  return startPlugin([...profiling, profiling.length === 0 ? cliPath : unbundledCliPath, "policy"], env);
}

/** The baseline: a Node plugin that accepts everything and does nothing else. */
export function startNoOpPlugin(dir: string): PipedPlugin {
  const path = join(dir, "accept-all.mjs");
  writeFileSync(
    path,
    `import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
for await (const line of createInterface({ input: process.stdin })) {
  process.stdout.write(JSON.stringify({ id: JSON.parse(line).event.id, action: "accept", msg: "" }) + "\\n");
}
`,
  );
  return startPlugin([path]);
}

/** Resident and peak memory of a running process, in MiB. */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rss: kib("VmRSS") / 1024, peak: kib("VmHWM") / 1024 };
}

/** The settings a policy process runs with here: its own folders, and no strfry to follow. */
export function policyEnvironment(gitRoot: string, dataDir: string, serviceHost: string): NodeJS.ProcessEnv {
  return {
    GRASP_PURGATORY_SERVICE_HOST: serviceHost,
    GRASP_PURGATORY_GIT_ROOT: gitRoot,
    GRASP_PURGATORY_DATA_DIR: dataDir,
    // Nothing listens there: the follower retries quietly in the background, as with strfry down.
    GRASP_PURGATORY_RELAY_URL: "ws://127.0.0.1:9",
    // The workloads hold thousands of states from one author for one repository: the abuse
    // limits (100 per author, 200 per repository) would turn them into rejections.
    GRASP_PURGATORY_MAX_HELD_PER_AUTHOR: "10000000",
    GRASP_PURGATORY_MAX_HELD_PER_REPOSITORY: "10000000",
    GRASP_PURGATORY_MAX_NEW_REPOSITORIES_PER_HOUR: "10000000",
  };
}
