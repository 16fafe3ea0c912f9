// A write-policy plugin that sits between the relay and the real policy, as a fault injector:
// it passes every line through both ways, except that when the policy answers `accept` for
// the event id written in <kill file>, it removes that file, kills the policy and exits
// without passing the answer on. The policy has then committed its decision and the relay
// never hears it (the relay answers `error: internal error` and starts the plugin again).
//
//   node kill-on-accept.js <kill file> <policy command...>

import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";

const [killFile, ...command] = process.argv.slice(2);
const policy = spawn("/bin/sh", ["-c", command.join(" ")], { stdio: ["pipe", "pipe", "inherit"], detached: true });
process.stdin.pipe(policy.stdin);
policy.stdin.on("error", () => undefined);

const target = () => {
  try {
    return readFileSync(killFile!, "utf8").trim();
  } catch {
    return undefined;
  }
};

for await (const line of createInterface({ input: policy.stdout })) {
  let answer: { id?: unknown; action?: unknown } = {};
  try {
    answer = JSON.parse(line) as typeof answer;
  } catch {
    // not an answer: pass it on as it is
  }
  if (answer.action === "accept" && answer.id === target()) {
    rmSync(killFile!, { force: true });
    process.kill(-policy.pid!, "SIGKILL");
    process.exit(1);
  }
  process.stdout.write(line + "\n");
}
