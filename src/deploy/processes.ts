// The processes `stack` starts and stops: launched detached (each leads its own process
// group, which also holds what it starts: strfry's policy plugin, fcgiwrap's children), as a
// given user and group with a given umask, and recorded by pid and start time so that `stack
// stop` signals exactly those processes, never a later one that reuses a pid.

import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export interface ProcessRecord {
  name: string;
  pid: number;
  /** /proc/<pid>/stat's starttime (clock ticks since boot). */
  startTime: number;
}

interface ProcStat {
  state: string;
  processGroup: number;
  startTime: number;
}

/** /proc/<pid>/stat, whose second field (the command) may hold spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | undefined {
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  if (fields.length < 20) return undefined;
  return { state: fields[0]!, processGroup: Number(fields[2]), startTime: Number(fields[19]) };
}

function procStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}

/** A zombie has exited; it only waits for a parent that may never reap it. */
const living = (stat: ProcStat | undefined): stat is ProcStat => stat !== undefined && stat.state !== "Z";

export function recordOf(name: string, pid: number): ProcessRecord {
  const stat = procStat(pid);
  return { name, pid, startTime: stat?.startTime ?? -1 };
}

/** The recorded process is still running (and is the same process). */
export function isRunning(record: ProcessRecord): boolean {
  const stat = procStat(record.pid);
  return living(stat) && stat.startTime === record.startTime;
}

/** The living members of a process group. */
export function groupMembers(processGroup: number): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      const stat = procStat(pid);
      return living(stat) && stat.processGroup === processGroup;
    });
}

function signalGroup(processGroup: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-processGroup, signal);
  } catch {
    // gone already
  }
}

/** SIGTERM to the recorded process's group, SIGKILL if it outlives the grace time; resolves when none is left. */
export async function stopProcessGroup(record: ProcessRecord, graceMs: number): Promise<"stopped" | "killed" | "not running"> {
  if (!isRunning(record)) return "not running";
  signalGroup(record.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (groupMembers(record.pid).length > 0) {
    if (Date.now() > deadline) {
      signalGroup(record.pid, "SIGKILL");
      while (groupMembers(record.pid).length > 0) await sleep(50);
      return "killed";
    }
    await sleep(50);
  }
  return "stopped";
}

export interface Launch {
  name: string;
  argv: string[];
  uid: number;
  gid: number;
  umask: number;
  cwd: string | undefined;
  env: NodeJS.ProcessEnv;
  /** Open file descriptors for stdout and stderr. */
  log: number;
  /** Passed as fd 3 with LISTEN_FDS=1, as systemd passes an activated socket. */
  listenFd?: number;
}

/** Starts a daemon the way its unit would, without systemd; resolves once it runs (or fails to start). */
export function launch(spec: Launch): Promise<ProcessRecord> {
  // sh applies the umask and, for socket activation, names its own pid (exec keeps it) as LISTEN_PID.
  const activation = spec.listenFd === undefined ? "" : "export LISTEN_PID=$$ LISTEN_FDS=1; ";
  const script = `umask ${spec.umask.toString(8).padStart(4, "0")}; ${activation}exec "$0" "$@"`;
  const stdio: (number | "ignore")[] = ["ignore", spec.log, spec.log];
  if (spec.listenFd !== undefined) stdio.push(spec.listenFd);
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", script, ...spec.argv], { uid: spec.uid, gid: spec.gid, cwd: spec.cwd, env: spec.env, stdio, detached: true });
    child.once("error", (error) => reject(new Error(`${spec.name}: ${error.message}`)));
    child.once("spawn", () => {
      child.unref();
      resolve(recordOf(spec.name, child.pid!));
    });
  });
}
