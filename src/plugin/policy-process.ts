// The process strfry runs as relay.writePolicy.plugin: reads requests from stdin one line at
// a time, answers each on stdout in order, and exits when stdin closes. A bad line or a
// failing event gets an answer (when it has an id) and never ends the loop.

import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Config } from "../config.js";
import { databasePath, settingsEnvironment } from "../config.js";
import { errorMessage, log } from "../log.js";
import { projectHooksDir } from "../paths.js";
import { buildRules, decide } from "../policy/pipeline.js";
import type { Rule } from "../policy/rule.js";
import { reject } from "../policy/verdict.js";
import type { Verdict } from "../policy/verdict.js";
import { acceptedIndex } from "../purgatory/accepted-index.js";
import { openDatabase } from "../purgatory/database.js";
import type { AcceptContext } from "./accept-event.js";
import { acceptEvent } from "./accept-event.js";
import type { PluginRequest } from "./protocol.js";
import { formatAnswer, parseRequestLine } from "./protocol.js";

interface PolicyContext extends AcceptContext {
  rules: Rule[];
}

async function decideRequest(request: PluginRequest, context: PolicyContext): Promise<Verdict> {
  const { event } = request;
  const verdict = decide(context.rules, { event, view: context.index.view, now: Math.floor(Date.now() / 1000) });
  if (verdict.action !== "accept") return verdict;
  try {
    await acceptEvent(event, context);
  } catch (error) {
    log.error("accepting an event failed", { id: event.id, kind: event.kind, error: errorMessage(error) });
    return reject(`error: the server could not store this event (${errorMessage(error)})`);
  }
  return verdict;
}

export interface PolicyStreams {
  input: Readable;
  output: Writable;
}

export async function runPolicyProcess(config: Config, streams: PolicyStreams): Promise<void> {
  const db = openDatabase(databasePath(config));
  const context: PolicyContext = {
    service: config.service,
    gitRoot: config.gitRoot,
    hooks: {
      hooksDir: projectHooksDir,
      environment: { ...settingsEnvironment(config), GRASP_PURGATORY_NODE: process.execPath },
    },
    index: acceptedIndex(db),
    rules: buildRules({ service: config.service }),
  };
  log.info("policy process ready", { pid: process.pid, service: config.service, gitRoot: config.gitRoot });

  const answer = (line: string) => streams.output.write(line + "\n");
  const lines = createInterface({ input: streams.input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === "") continue;
      const parsed = parseRequestLine(line);
      if (!parsed.ok) {
        log.warn("bad input line", { problem: parsed.problem, id: parsed.id, line: line.slice(0, 200) });
        if (parsed.id !== undefined) answer(formatAnswer(parsed.id, reject(`invalid: ${parsed.problem}`)));
        continue;
      }
      const { event } = parsed.request;
      let verdict: Verdict;
      try {
        verdict = await decideRequest(parsed.request, context);
      } catch (error) {
        log.error("deciding an event failed", { id: event.id, kind: event.kind, error: errorMessage(error) });
        verdict = reject("error: the policy failed on this event; see the relay's logs");
      }
      log.info("decided", { id: event.id, kind: event.kind, pubkey: event.pubkey, action: verdict.action, reason: verdict.msg });
      answer(formatAnswer(event.id, verdict));
    }
  } finally {
    db.close();
    log.info("policy process stopping: input closed", { pid: process.pid });
  }
}
