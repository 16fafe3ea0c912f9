// `npm run bench`: how fast the policy process answers strfry, against a baseline measured in
// the same run: a minimal plugin that accepts everything, fed through the same pipe. Prints
// figures only; nothing here asserts on speed.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { finalizeEvent, generateSecretKey, getPublicKey, nip19 } from "nostr-tools";
import type { NostrEvent } from "nostr-tools";
import { cliPath } from "../paths.js";
import { benchSweep } from "./sweep-bench.js";

const serviceHost = "127.0.0.1:7777";
const count = Number(process.env.BENCH_EVENTS ?? 2000);

function requestLine(event: NostrEvent): string {
  return JSON.stringify({ type: "new", event, receivedAt: Math.floor(Date.now() / 1000), sourceType: "IP4", sourceInfo: "127.0.0.1" });
}

/** Sends every line, one at a time as strfry does, and returns the seconds taken. */
async function timePlugin(command: string, env: NodeJS.ProcessEnv, lines: readonly string[]): Promise<number> {
  const child = spawn("/bin/sh", ["-c", command], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "ignore"] });
  const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  // Warm-up: the first event starts the process (and, for the policy, opens the store).
  child.stdin.write(lines[0] + "\n");
  await answers.next();
  const started = process.hrtime.bigint();
  for (const line of lines.slice(1)) {
    child.stdin.write(line + "\n");
    await answers.next();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  child.stdin.end();
  await new Promise((resolve) => child.on("exit", resolve));
  return seconds;
}

function workload(): { name: string; lines: string[] }[] {
  const secretKey = generateSecretKey();
  const pubkey = getPublicKey(secretKey);
  const npub = nip19.npubEncode(pubkey);
  let createdAt = Math.floor(Date.now() / 1000) - count * 2;
  const sign = (kind: number, tags: string[][], content = "") => finalizeEvent({ kind, tags, content, created_at: (createdAt += 1) }, secretKey);
  const announcement = sign(30617, [["d", "bench"], ["clone", `http://${serviceHost}/${npub}/bench.git`], ["relays", `ws://${serviceHost}`]]);
  const coordinate = `30617:${pubkey}:bench`;
  const orphans = Array.from({ length: count }, (_, index) => sign(1, [], `orphan ${index}`));
  const issues = Array.from({ length: count }, (_, index) => sign(1621, [["a", coordinate]], `issue ${index}`));
  const states = Array.from({ length: count }, (_, index) =>
    sign(30618, [["d", "bench"], ["refs/heads/main", index.toString(16).padStart(40, "0")], ["HEAD", "ref: refs/heads/main"]]),
  );
  return [
    { name: "orphan notes (rejected)", lines: [announcement, ...orphans].map(requestLine) },
    { name: "issues on a repository", lines: [announcement, ...issues].map(requestLine) },
    { name: "states held (cat-file)", lines: [announcement, ...states].map(requestLine) },
  ];
}

const heldCounts = (process.env.BENCH_HELD ?? "1000,100000").split(",").map(Number);

async function printSweepFigures(dir: string): Promise<void> {
  console.log("");
  console.log(`the daemon with many held entries (baseline: the first row); goals: a release request within 1 s at 100,000 held, sweep with nothing due within 2x of 1,000`);
  console.log("held      sweep, none due   catch-up, none due   sweep, all due   release wait during it   policy RSS   file: held / expired / pruned");
  for (const held of heldCounts) {
    const figures = await benchSweep(join(dir, `sweep-${held}`), held);
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    const mib = (value: number) => value.toFixed(1);
    console.log(
      `${String(held).padEnd(9)} ${ms(figures.sweepNothingDueMs).padStart(15)}   ${ms(figures.catchUpNothingDueMs).padStart(18)}   ${ms(figures.sweepAllDueMs).padStart(14)}   ${ms(figures.releaseDuringSweepMs).padStart(22)}   ${`${mib(figures.policyRssMiB)} MiB`.padStart(10)}   ${mib(figures.fileMiB.held)} / ${mib(figures.fileMiB.afterExpiry)} / ${mib(figures.fileMiB.afterPrune)} MiB`,
    );
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "grasp-bench-"));
  try {
    const baselinePlugin = join(dir, "accept-all.mjs");
    writeFileSync(
      baselinePlugin,
      `import { createInterface } from "node:readline";
for await (const line of createInterface({ input: process.stdin })) {
  process.stdout.write(JSON.stringify({ id: JSON.parse(line).event.id, action: "accept", msg: "" }) + "\\n");
}
`,
    );
    console.log(`policy process vs. a minimal accept-all plugin, ${count} events each, one at a time as strfry sends them`);
    console.log("workload                       baseline ev/s   policy ev/s   policy/baseline time");
    for (const [index, { name, lines }] of workload().entries()) {
      const baseline = await timePlugin(`${process.execPath} ${baselinePlugin}`, {}, lines);
      const env = {
        GRASP_PURGATORY_SERVICE_HOST: serviceHost,
        GRASP_PURGATORY_GIT_ROOT: join(dir, `git-${index}`),
        GRASP_PURGATORY_DATA_DIR: join(dir, `data-${index}`),
        // No relay: the follower retries quietly in the background.
        GRASP_PURGATORY_RELAY_URL: "ws://127.0.0.1:9",
      };
      const policy = await timePlugin(`${cliPath} policy 2>/dev/null`, env, lines);
      const perSecond = (seconds: number) => Math.round((lines.length - 1) / seconds).toString();
      console.log(`${name.padEnd(30)} ${perSecond(baseline).padStart(13)}   ${perSecond(policy).padStart(11)}   ${(policy / baseline).toFixed(1).padStart(8)}x`);
    }
    await printSweepFigures(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
