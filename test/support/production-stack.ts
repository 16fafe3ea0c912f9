// The production deployment as the tests run it: `grasp-purgatory stack start` (strfry, nginx
// and fcgiwrap from the generated files, as two users) in a temp dir, stopped with `stack
// stop` when the file's tests end. The result has DevServerProcess's shape, so that
// hosted-repository.ts and the other helpers work against it unchanged; clients reach it only
// through nginx.

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after } from "node:test";
import { accessProblem } from "../../src/deploy/permissions.js";
import { freePort } from "../../src/deploy/stack.js";
import { cliPath } from "../../src/paths.js";
import type { DevServerProcess } from "./dev-server.js";
import { runCli } from "./operator-cli.js";
import type { CliResult } from "./operator-cli.js";
import { strfryBinary, strfrySkipReason } from "./strfry-server.js";
import { tempDir } from "./temp-dir.js";

/** The CLI with a clean environment (no GRASP_PURGATORY_* of the test runner), from `/` unless told, optionally as another user. */
function stackCli(args: readonly string[], as: { uid?: number; gid?: number; cwd?: string } = {}): Promise<CliResult> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("GRASP_PURGATORY_") && key !== "NODE_TEST_CONTEXT"));
  return runCli(args, env, { ...as, cwd: as.cwd ?? "/" });
}

const onPath = (program: string) => spawnSync("sh", ["-c", `command -v ${program}`], { encoding: "utf8" }).status === 0;

/** undefined when the production stack can run here; otherwise why not and how to fix it. */
export function productionStackSkipReason(): string | undefined {
  const strfry = strfrySkipReason();
  if (strfry !== undefined) return strfry;
  if (process.geteuid?.() !== 0) return "the production stack needs root (it creates two system users and starts nginx): run the tests as root";
  if (!onPath("nginx")) return "nginx is not installed: apt-get install -y nginx";
  if (!existsSync("/usr/sbin/fcgiwrap")) return "fcgiwrap is not installed: apt-get install -y fcgiwrap";
  // The two users run this checkout and strfry: a checkout under /root (0700) cannot work.
  const nobody = { uid: 65534, gids: [65534] };
  for (const path of [cliPath, strfryBinary(), process.execPath]) {
    const problem = accessProblem(nobody, path, "r");
    if (problem !== undefined) return `other users cannot read ${path} (no ${problem.want} on ${problem.path}): put the checkout and strfry where every user can read them (e.g. chmod o+rx on the directories on the way)`;
  }
  return undefined;
}

export interface StackProcess {
  name: string;
  pid: number;
  user: string;
  log: string;
}

export interface ProductionStack extends DevServerProcess {
  /** The stack directory, the deployment's prefix. */
  dir: string;
  configPath: string;
  strfryUrl: string;
  processes: StackProcess[];
  /** `grasp-purgatory --config <stack config> ...args` as root (or as the given user). */
  cli(args: readonly string[], as?: { uid: number; gid: number }): Promise<CliResult>;
  /** The tails of every log, for a failing test's diagnostics. */
  logs(): string;
}

export const stackPaths = (dir: string) => ({
  configPath: join(dir, "etc", "grasp-purgatory.json"),
  strfryConfigPath: join(dir, "etc", "grasp-purgatory", "strfry.conf"),
  gitRoot: join(dir, "var", "lib", "grasp", "git"),
  dataDir: join(dir, "var", "lib", "grasp", "data"),
  strfryDbDir: join(dir, "var", "lib", "grasp", "strfry-db"),
  unitDir: join(dir, "etc", "systemd", "system"),
  nginxSitePath: join(dir, "etc", "nginx", "sites-available", "grasp-purgatory.conf"),
  stackNginxConf: join(dir, "stack", "nginx.conf"),
  logDir: join(dir, "var", "log", "grasp"),
  nginxLogDir: join(dir, "var", "log", "nginx"),
});

export function stackLogs(dir: string): string {
  const paths = stackPaths(dir);
  return ["strfry.log", "fcgiwrap.log", "nginx.log"]
    .map((name) => join(paths.logDir, name))
    .concat([join(paths.nginxLogDir, "grasp-purgatory.error.log"), join(paths.nginxLogDir, "error.log")])
    .filter((path) => existsSync(path))
    .map((path) => `--- ${path}\n${readFileSync(path, "utf8").slice(-4000)}`)
    .join("\n");
}

/** A temp dir every user can enter (mkdtemp makes 0700). */
export function stackDir(prefix: string): string {
  const dir = tempDir(prefix);
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * Starts the stack on a free port (in a new temp dir unless given one); call it at the top
 * level of a test file. Its `after` stops it before the temp dir is removed.
 */
export async function startProductionStack(given?: string): Promise<ProductionStack> {
  let dir = given;
  const stop = async () => {
    if (dir === undefined) return 0;
    const result = await stackCli(["stack", "stop", "--dir", dir]);
    if (result.status !== 0) throw new Error(`stack stop failed:\n${result.stderr}`);
    return 0;
  };
  // Registered before the temp dir's removal (after hooks run in order), so that it stops first.
  after(() => stop());
  dir ??= stackDir("grasp-stack-");
  let started: CliResult | undefined;
  // A free port can be taken between choosing and binding it: try another one then.
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const port = await freePort();
    started = await stackCli(["stack", "start", "--dir", dir, "--port", String(port), "--strfry", strfryBinary(), "--json"]);
    if (started.status === 0 || !/is in use/.test(started.stderr)) break;
  }
  if (started === undefined || started.status !== 0) throw new Error(`stack start failed (${started?.status}):\n${started?.stderr}\n${started?.stdout}`);
  const status = JSON.parse(started.stdout) as { publicUrl: string; relayUrl: string; strfryUrl: string; configPath: string; processes: StackProcess[] };
  const paths = stackPaths(dir);
  return {
    dir,
    httpUrl: status.publicUrl,
    relayUrl: status.relayUrl,
    serviceHost: new URL(status.publicUrl).host,
    dataDir: dir,
    gitRoot: paths.gitRoot,
    configPath: status.configPath,
    strfryUrl: status.strfryUrl,
    processes: status.processes,
    stdout: () => started!.stdout,
    stderr: () => stackLogs(dir),
    logs: () => stackLogs(dir),
    stop,
    cli: (args, as) => stackCli(["--config", status.configPath, ...args], as ?? {}),
  };
}

/** uid and gid (the shared group) of a deployment user. */
export function idsOf(user: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync("id", [flag, user], { encoding: "utf8" }).stdout.trim());
  return { uid: id("-u"), gid: id("-g") };
}
