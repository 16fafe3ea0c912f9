// `grasp-purgatory stack`: the production deployment on one machine without systemd, for
// trying it and for the tests. It renders the deployment for 127.0.0.1:<port> into one
// directory, creates the users and directories as `deploy --setup` does, and starts strfry
// and fcgiwrap as their systemd units say (user, group, umask, command; fcgiwrap's socket as
// its .socket unit makes it) and nginx with the generated site, then waits until each answers.

import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { daemonSocketPath } from "../config.js";
import { ExitCode, GraspError } from "../errors.js";
import { errorMessage } from "../log.js";
import { askDaemon } from "../plugin/daemon-client.js";
import { findGroup, findUser, groupIdsOf, readAccounts } from "./accounts.js";
import type { Accounts } from "./accounts.js";
import type { Deployment } from "./deployment.js";
import { accessProblem } from "./permissions.js";
import type { Want } from "./permissions.js";
import { isRunning, launch, stopProcessGroup } from "./processes.js";
import type { Launch, ProcessRecord } from "./processes.js";
import { childrenOf, nip11Problem, relayProblem, requireFreePort, waitFor } from "./readiness.js";
import { listenLikeSocketUnit } from "./socket-activation.js";
import { parseUnit, serviceLaunch, socketSpec } from "./unit-file.js";
import { wakePolicy } from "../plugin/wake-policy.js";

export const processesFile = (deployment: Pick<Deployment, "paths">) => join(deployment.paths.stackDir, "processes.json");

export function readProcesses(path: string): ProcessRecord[] {
  if (!existsSync(path)) return [];
  try {
    return (JSON.parse(readFileSync(path, "utf8")) as { processes: ProcessRecord[] }).processes;
  } catch {
    return [];
  }
}

function writeProcesses(path: string, processes: readonly ProcessRecord[]): void {
  writeFileSync(path, JSON.stringify({ comment: "What `grasp-purgatory stack start` started; `stack stop` stops exactly these.", processes }, null, 2) + "\n");
}

export function requireRoot(what: string): void {
  if (process.geteuid?.() !== 0) {
    throw new GraspError(`${what} needs root: it creates the two system users and starts nginx; run it with sudo`, ExitCode.usage);
  }
}

/** A loopback port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The users must reach what they run; a home directory or a 0700 temp dir on the way stops them. */
function checkReachable(deployment: Deployment, accounts: Accounts): void {
  const needs: [string, string, Want][] = [
    [deployment.strfryUser, deployment.strfryBinary, "rx"],
    [deployment.strfryUser, deployment.cli, "r"],
    [deployment.strfryUser, deployment.node, "rx"],
    [deployment.gitUser, deployment.cli, "r"],
    [deployment.gitUser, deployment.node, "rx"],
    [deployment.gitUser, deployment.gitHttpBackend, "rx"],
    [deployment.nginxUser, join(deployment.paths.siteDir, "index.html"), "r"],
    [deployment.nginxUser, deployment.paths.gitRoot, "x"],
  ];
  for (const [name, path, want] of needs) {
    const user = findUser(accounts, name)!;
    const problem = accessProblem({ uid: user.uid, gids: groupIdsOf(accounts, user) }, path, want);
    if (problem !== undefined) {
      throw new GraspError(
        `${name} cannot reach ${path} (no ${problem.want} on ${problem.path}): put the stack and this installation where every user can read them (e.g. /opt/grasp-purgatory, /srv/grasp), or chmod o+x the directories on the way`,
        ExitCode.failure,
      );
    }
  }
}

/** What systemd gives a service: a clean environment with the user's identity. */
function serviceEnvironment(accounts: Accounts, user: string): NodeJS.ProcessEnv {
  const found = findUser(accounts, user)!;
  return { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOME: found.home, USER: user, LOGNAME: user, LANG: "C.UTF-8" };
}

function idsOf(accounts: Accounts, user: string, group: string): { uid: number; gid: number } {
  const found = findUser(accounts, user);
  const foundGroup = findGroup(accounts, group);
  if (found === undefined || foundGroup === undefined) throw new GraspError(`the unit names ${user}:${group}, which does not exist`);
  return { uid: found.uid, gid: foundGroup.gid };
}

export interface StackStatus {
  dir: string;
  publicUrl: string;
  relayUrl: string;
  strfryUrl: string;
  configPath: string;
  processes: (ProcessRecord & { user: string; log: string })[];
}

function logTails(paths: readonly string[]): string {
  return paths
    .filter((path) => existsSync(path))
    .map((path) => `--- ${path} (end)\n${readFileSync(path, "utf8").slice(-1500)}`)
    .join("\n");
}

/** Starts the rendered deployment; on any failure stops what it started and says why. */
export async function runStack(deployment: Deployment): Promise<StackStatus> {
  await requireFreePort(deployment.bind ?? "127.0.0.1", deployment.listenPort);
  const accounts = readAccounts();
  checkReachable(deployment, accounts);
  const { paths } = deployment;
  const recordsPath = processesFile(deployment);
  const unit = (name: string) => parseUnit(readFileSync(join(paths.unitDir, name), "utf8"));
  mkdirSync(paths.logDir, { recursive: true });
  const logs = { strfry: join(paths.logDir, "strfry.log"), fcgiwrap: join(paths.logDir, "fcgiwrap.log"), nginx: join(paths.logDir, "nginx.log") };
  const started: (ProcessRecord & { user: string; log: string })[] = [];
  const record = (entry: ProcessRecord, user: string, log: string) => {
    started.push({ ...entry, user, log });
    writeProcesses(recordsPath, started);
  };
  // Each process writes to its own log (opened for it, closed here once it has it) and is
  // recorded at once, so that a later failure stops it too.
  const start = async (spec: Omit<Launch, "log">, user: string, logPath: string): Promise<ProcessRecord> => {
    const log = openSync(logPath, "a");
    try {
      const entry = await launch({ ...spec, log });
      record(entry, user, logPath);
      return entry;
    } finally {
      closeSync(log);
    }
  };
  // A service as its unit file runs it: command, user and group, umask, working directory.
  const startService = (unitName: string, name: string, logPath: string, listenFd?: number) => {
    const service = serviceLaunch(unit(unitName), unitName);
    const spec = {
      name,
      argv: service.argv,
      ...idsOf(accounts, service.user, service.group),
      umask: service.umask,
      cwd: service.workingDirectory ?? "/",
      env: serviceEnvironment(accounts, service.user),
      ...(listenFd === undefined ? {} : { listenFd }),
    };
    return start(spec, service.user, logPath);
  };

  try {
    // fcgiwrap, activated by its socket.
    const listening = await listenLikeSocketUnit(socketSpec(unit("grasp-fcgiwrap.socket"), "grasp-fcgiwrap.socket"), accounts);
    const fcgiwrapRecord = await startService("grasp-fcgiwrap.service", "fcgiwrap", logs.fcgiwrap, listening.fd);
    listening.finish();

    // strfry, which starts the policy.
    const strfryRecord = await startService("grasp-strfry.service", "strfry", logs.strfry);

    // nginx, as root (it binds the port), with the generated site.
    const nginxConf = join(paths.stackDir, "nginx.conf");
    const test = spawnSync("nginx", ["-t", "-c", nginxConf], { encoding: "utf8" });
    if (test.status !== 0) throw new GraspError(`nginx -t -c ${nginxConf} failed: ${`${test.stderr}${test.error?.message ?? ""}`.trim()}`);
    const nginxRecord = await start(
      {
        name: "nginx",
        argv: ["nginx", "-c", nginxConf],
        uid: 0,
        gid: 0,
        umask: 0o022,
        cwd: "/",
        env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
      },
      "root",
      logs.nginx,
    );

    const all = [fcgiwrapRecord, strfryRecord, nginxRecord];
    await waitFor("fcgiwrap", async () => (childrenOf(fcgiwrapRecord.pid).length > 0 ? undefined : "no worker processes yet"), 20_000, all);
    await waitFor(`strfry at ${deployment.strfryUrl}`, () => relayProblem(deployment.strfryUrl), 20_000, all);
    await waitFor(`nginx at ${deployment.publicUrl}`, () => nip11Problem(deployment.publicUrl), 20_000, all);
    await waitFor(`the relay through nginx at ${deployment.relayUrl}`, () => relayProblem(deployment.relayUrl), 20_000, all);
    const wake = await wakePolicy(deployment.strfryUrl);
    if (!wake.ok) throw new GraspError(`strfry did not answer an event: ${wake.error}`);
    const socketPath = daemonSocketPath({ dataDir: paths.dataDir });
    const daemonProblem = async () => {
      const answer = await askDaemon(socketPath, { op: "ping" }, 3000);
      return answer.ok ? undefined : answer.error;
    };
    await waitFor(`the policy's daemon at ${socketPath}`, daemonProblem, 20_000, all);
  } catch (error) {
    for (const entry of [...started].reverse()) await stopProcessGroup(entry, 10_000);
    rmSync(recordsPath, { force: true });
    throw new GraspError(`the stack did not start: ${errorMessage(error)}\n${logTails([...Object.values(logs), join(paths.nginxLogDir, "error.log")])}`);
  }
  return {
    dir: deployment.prefix,
    publicUrl: deployment.publicUrl,
    relayUrl: deployment.relayUrl,
    strfryUrl: deployment.strfryUrl,
    configPath: paths.configPath,
    processes: started,
  };
}

export interface StoppedProcess {
  name: string;
  pid: number;
  outcome: Awaited<ReturnType<typeof stopProcessGroup>>;
}

/** Stops what `runStack` recorded, last started first, and removes fcgiwrap's socket as systemd would. */
export async function stopStack(deployment: Pick<Deployment, "paths">): Promise<StoppedProcess[]> {
  const recordsPath = processesFile(deployment);
  const stopped: StoppedProcess[] = [];
  for (const entry of readProcesses(recordsPath).reverse()) {
    stopped.push({ name: entry.name, pid: entry.pid, outcome: await stopProcessGroup(entry, 15_000) });
  }
  rmSync(deployment.paths.fcgiwrapSocket, { force: true });
  rmSync(recordsPath, { force: true });
  return stopped;
}

/** The records of a stack that still runs, if any. */
export function runningProcesses(deployment: Pick<Deployment, "paths">): ProcessRecord[] {
  return readProcesses(processesFile(deployment)).filter(isRunning);
}
