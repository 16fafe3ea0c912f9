#!/usr/bin/env node
// A strfry write-policy plugin whose every answer is scripted by the event's content, for
// checking that the dev relay drives plugins exactly as strfry does. Content words:
//   accept | reject[:msg] | shadowReject[:msg]     answer so (accept ignores any msg)
//   whoami                                         reject with msg "pid:<this process's pid>"
//   crash                                          exit without answering
//   sleep:<ms>                                     wait, then accept
//   wrong-id | no-action | unknown-action          a malformed answer
//   noise                                          print lines that are not JSON, then accept
//   silent-noise                                   print a line that is not JSON and nothing else
//   exit-after-answer                              accept, then exit while idle
// anything else is accepted. With SCRIPTED_PLUGIN_LOG set, each request is appended there as
// {pid, request, env, overlapping} where overlapping says another request was still being
// answered when this one arrived (strfry never does that).

import { appendFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";

interface Request {
  event: { id: string; content: string };
}

const logPath = process.env.SCRIPTED_PLUGIN_LOG;
const serviceEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith("GRASP_PURGATORY_")));

function answer(id: string, action: string, msg?: string): void {
  process.stdout.write(JSON.stringify(msg === undefined ? { id, action } : { id, action, msg }) + "\n");
}

function split(content: string): [string, string | undefined] {
  const colon = content.indexOf(":");
  return colon === -1 ? [content, undefined] : [content.slice(0, colon), content.slice(colon + 1)];
}

async function respond(request: Request): Promise<void> {
  const { id, content } = request.event;
  const [word, argument] = split(content);
  switch (word) {
    case "reject":
    case "shadowReject":
      return answer(id, word, argument);
    case "whoami":
      return answer(id, "reject", `pid:${process.pid}`);
    case "crash":
      process.exit(3);
    case "sleep":
      await sleep(Number(argument));
      return answer(id, "accept");
    case "wrong-id":
      return answer("0".repeat(64), "accept");
    case "no-action":
      process.stdout.write(JSON.stringify({ id, msg: "no action here" }) + "\n");
      return;
    case "unknown-action":
      return answer(id, "maybe");
    case "noise":
      process.stdout.write("starting up...\n\n{not json\n");
      return answer(id, "accept");
    case "silent-noise":
      process.stdout.write("thinking about it\n");
      return;
    case "exit-after-answer":
      // Writes to a pipe are synchronous on Linux, so the answer is out before the exit.
      answer(id, "accept");
      process.exit(0);
    default:
      return answer(id, "accept");
  }
}

let busy = false;
let queue: Promise<void> = Promise.resolve();
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  const request = JSON.parse(line) as Request;
  if (logPath !== undefined) {
    appendFileSync(logPath, JSON.stringify({ pid: process.pid, request: JSON.parse(line), env: serviceEnv, overlapping: busy }) + "\n");
  }
  busy = true;
  queue = queue.then(async () => {
    await respond(request);
    busy = false;
  });
});
