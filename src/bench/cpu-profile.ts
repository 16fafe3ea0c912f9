// `--cpu-prof <dir>`: the policy processes the pipe benches start write V8 CPU profiles there
// (open them in Chrome's DevTools), and the bench prints where each one spent its time: self
// time by function, and by where the code comes from (our modules, a package, Node itself).
// Profiling slows the profiled processes down: a run with it is for finding causes, not figures.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

let profileDir: string | undefined;
/** Per profile label, the measured stretch: only its samples are summarised, not the start-up or set-up. */
const windows = new Map<string, { from: bigint; to: bigint }>();

export function profilePoliciesInto(dir: string): void {
  profileDir = dir;
}

/**
 * Runs the measured part of a bench and remembers when it ran, for the profiles of `labels`.
 * V8 stamps samples with the monotonic clock that process.hrtime reads too.
 */
export async function measuredStretch<T>(labels: readonly string[], work: () => Promise<T>): Promise<T> {
  const from = process.hrtime.bigint();
  try {
    return await work();
  } finally {
    const to = process.hrtime.bigint();
    for (const label of labels) windows.set(label, { from, to });
  }
}

/** The node options that make a policy process write `<label>.cpuprofile`, when profiling. */
export function profileArguments(label: string): string[] {
  return profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${label}.cpuprofile`];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code comes from: a package, our module, Node's own code, or V8's pseudo-frames. */
function originOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const packageName = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (packageName !== undefined) return packageName;
  const ours = /\/dist\/(src\/.+)\.js$/.exec(url)?.[1];
  if (ours !== undefined) return ours;
  return url.startsWith("node:") ? "node internals" : url;
}

function top(totals: Map<string, number>, all: number, limit: number): string[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, micros]) => `  ${((100 * micros) / all).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}`);
}

export function summariseProfile(path: string, window: { from: bigint; to: bigint } | undefined, limit = 12): string[] {
  const profile = JSON.parse(readFileSync(path, "utf8")) as Profile;
  // Sample times in µs of the monotonic clock.
  const from = window === undefined ? -Infinity : Number(window.from / 1000n);
  const to = window === undefined ? Infinity : Number(window.to / 1000n);
  let at = profile.startTime;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const nameOf = ({ functionName, url, lineNumber }: ProfileNode["callFrame"]) =>
    `${functionName || "(anonymous)"}  ${originOf(url, functionName)}${url === "" ? "" : `:${lineNumber + 1}`}`;
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  // Inclusive time of our own functions: what each of our steps costs with all it calls.
  const oursWithCallees = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, index) => {
    const micros = profile.timeDeltas[index] ?? 0;
    at += micros;
    if (at < from || at > to) return;
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined || frame.functionName === "(idle)") return;
    all += micros;
    byFunction.set(nameOf(frame), (byFunction.get(nameOf(frame)) ?? 0) + micros);
    const origin = originOf(frame.url, frame.functionName);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + micros);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const caller = byId.get(at)!.callFrame;
      if (/\/dist\/src\//.test(caller.url) && caller.functionName !== "") onStack.add(nameOf(caller));
    }
    for (const name of onStack) oursWithCallees.set(name, (oursWithCallees.get(name) ?? 0) + micros);
  });
  return [
    `${path}: ${(all / 1000).toFixed(0)} ms busy${window === undefined ? " in the whole process" : " while measured"} (idle left out)`,
    " self time by origin:",
    ...top(byOrigin, all, limit),
    " self time by function:",
    ...top(byFunction, all, limit),
    " our functions, with what they call:",
    ...top(oursWithCallees, all, limit),
  ];
}

export function summariseProfiles(): string[][] {
  if (profileDir === undefined) return [];
  const dir = profileDir;
  return readdirSync(dir)
    .filter((name) => name.endsWith(".cpuprofile"))
    .sort()
    .map((name) => summariseProfile(join(dir, name), windows.get(name.replace(/\.cpuprofile$/, ""))));
}
