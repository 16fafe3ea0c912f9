// The process strfry runs as relay.writePolicy.plugin: reads requests from stdin one line at
// a time, answers each on stdout in order, and exits when stdin closes. A bad line or a
// failing event gets an answer (when it has an id) and never ends the loop. The same process
// is the purgatory's daemon: it serves the hooks' Unix socket and runs the sweep.

import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Config } from "../config.js";
import { daemonSocketPath } from "../config.js";
import { repositoryName, repositoryOfPath } from "../git/repository-path.js";
import { alignAfterPush, releaseLines } from "../hooks/post-receive.js";
import { decidePreReceive } from "../hooks/pre-receive.js";
import { parseRefUpdates } from "../hooks/read-updates.js";
import { repositoryContextIn } from "../hooks/repository-context.js";
import { errorMessage, log } from "../log.js";
import { decide } from "../policy/pipeline.js";
import { reject } from "../policy/verdict.js";
import type { Verdict } from "../policy/verdict.js";
import { checkpointInBackground } from "../purgatory/checkpoints.js";
import type { BackgroundCheckpoints } from "../purgatory/checkpoints.js";
import { reclaimSpaceIncrementally, writeTransaction } from "../purgatory/database.js";
import { followCursorKey, meta } from "../purgatory/meta.js";
import { viewForOneDecision } from "../purgatory/server-view.js";
import { applyVerdict, confirmStored } from "./apply-verdict.js";
import type { DaemonAnswer, DaemonRequest, HookHandler } from "./daemon-socket.js";
import { serveDaemonSocket } from "./daemon-socket.js";
import { gatherGitFacts } from "./gather-git-facts.js";
import type { PluginRequest } from "./protocol.js";
import { formatAnswer, parseRequestLine } from "./protocol.js";
import { openPurgatoryContext } from "./purgatory-context.js";
import type { ReleaseContext } from "./release.js";
import { newReport, releaseIfComplete, releaseRepository } from "./release.js";
import { followStrfry } from "./strfry-follower.js";
import type { Follower } from "./strfry-follower.js";
import { catchUp, runDueJobs, serialisedLane, sweep } from "./sweep.js";

const unixNow = () => Math.floor(Date.now() / 1000);

interface Decision {
  verdict: Verdict;
  /** Jobs the answer made ready to run now. */
  readyJobs: number;
}

async function decideRequest(request: PluginRequest, context: ReleaseContext): Promise<Decision> {
  const { event } = request;
  const view = viewForOneDecision(context.view);
  const now = unixNow();
  const git = await gatherGitFacts(event, view, context);
  const input = { event, source: { type: request.sourceType, authed: request.authed }, view, now, git };
  const verdict = decide(context.rules, input, context.holdLimits);
  if (verdict.action === "reject" && verdict.limit !== undefined) context.purgatory.record(event.id, event.kind, "limited", now, verdict.limit);
  if (verdict.action === "reject") return { verdict, readyJobs: 0 };
  try {
    return { verdict, readyJobs: await applyVerdict(event, verdict, git, context, now) };
  } catch (error) {
    log.error("storing a decision failed", { id: event.id, kind: event.kind, error: errorMessage(error) });
    return { verdict: reject(`error: the server could not store this event (${errorMessage(error)})`), readyJobs: 0 };
  }
}

export interface PolicyStreams {
  input: Readable;
  output: Writable;
}

/** How often the daemon catches up with pushes, retries, confirmations and jobs. */
const catchUpIntervalMs = 2_000;
const backgroundStartDelayMs = 1_000;

export async function runPolicyProcess(config: Config, streams: PolicyStreams): Promise<void> {
  const context = openPurgatoryContext(config);
  reclaimSpaceIncrementally(context.db);
  const exclusive = serialisedLane();
  // A stray rejection must not end the plugin while it is idle: strfry would answer the next
  // event with "error: internal error" before restarting it.
  process.on("unhandledRejection", (reason) => log.error("unhandled rejection", { error: errorMessage(reason) }));

  const handleDaemonRequest = async (request: DaemonRequest): Promise<DaemonAnswer> => {
    if (request.op === "ping") return { ok: true, pid: process.pid };
    if (request.op === "release-event") {
      const held = context.purgatory.heldEvent(request.id);
      if (held === undefined) return { ok: false, error: `${request.id} is not held in the purgatory` };
      const report = newReport();
      await exclusive(() => releaseIfComplete(held.event, context, report));
      return { ok: true, ...report };
    }
    const repository = repositoryOfPath(config.gitRoot, join(config.gitRoot, request.repository));
    if (repository === undefined) return { ok: false, error: `"${request.repository}" is not a repository under the git root` };
    const report = await exclusive(() => releaseRepository(context, repository.owner, repository.identifier));
    return { ok: true, ...report };
  };
  const socketPath = daemonSocketPath(config);
  // The hooks' fast path: the installed hooks send their input here (curl) and print the answer.
  const handleHook: HookHandler = async ({ hook, gitDir, body }) => {
    const updates = parseRefUpdates(body);
    const now = unixNow();
    if (hook === "pre-receive") {
      const outcome = await decidePreReceive(config, repositoryContextIn(config, context, gitDir), updates, now);
      return { status: outcome.ok ? 200 : 403, lines: outcome.ok ? outcome.lines : [...outcome.lines, `grasp-purgatory: ${outcome.refusal}`] };
    }
    if (hook !== "post-receive") return { status: 400, lines: [`error: unknown hook "${hook}"`] };
    return exclusive(async () => {
      const repository = repositoryContextIn(config, context, gitDir);
      await alignAfterPush(repository, context.objects, now);
      const report = await releaseRepository(context, repository.owner, repository.identifier);
      if (report.failed.length === 0) context.purgatory.clearPush(repositoryName(repository.owner, repository.identifier), now);
      return { status: 200 as const, lines: releaseLines(report) };
    });
  };
  const daemonSocket = serveDaemonSocket(socketPath, handleDaemonRequest, handleHook);

  // The index is kept from what strfry stored; what was stored may release held events and start jobs.
  const stored = meta(context.db);
  let jobsRunning = false;
  let jobsKickedMeanwhile = false;
  const kickJobs = () => {
    if (jobsRunning) {
      jobsKickedMeanwhile = true;
      return;
    }
    jobsRunning = true;
    jobsKickedMeanwhile = false;
    void runDueJobs(context, exclusive)
      .catch((error: unknown) => log.error("running jobs failed", { error: errorMessage(error) }))
      .finally(() => {
        jobsRunning = false;
        if (jobsKickedMeanwhile) kickJobs();
      });
  };
  const startFollower = () =>
    followStrfry({
      relayUrl: config.relayUrl,
      onEvents: (events) => {
        const now = unixNow();
        writeTransaction(context.db, () => events.forEach((event) => confirmStored(event, context, now)))();
        kickJobs();
      },
      readCursor: () => {
        const value = stored.get(followCursorKey);
        return value === undefined ? undefined : Number(value);
      },
      writeCursor: (at) => stored.set(followCursorKey, String(at)),
    });

  let catchingUp = false;
  const runCatchUp = () => {
    if (catchingUp) return;
    catchingUp = true;
    void catchUp(context, exclusive)
      .catch((error: unknown) => log.error("catch-up failed", { error: errorMessage(error) }))
      .finally(() => (catchingUp = false));
  };
  let sweeping = false;
  const runSweep = () => {
    if (sweeping) return;
    sweeping = true;
    const options = { historyRetentionSeconds: config.historyRetentionDays * 86_400 };
    void sweep(context, unixNow(), options, exclusive)
      .catch((error: unknown) => log.error("sweep failed", { error: errorMessage(error) }))
      .finally(() => (sweeping = false));
  };
  // What the answers do not need starts a moment after the process: strfry starts the plugin
  // on an event and waits for its answer, often the release a daemon-less post-receive is
  // waiting for. That hook releases its own push; catching up with pushes that completed
  // while no daemon listened would deliver the same events a second time meanwhile.
  let follower: Follower | undefined;
  let checkpoints: BackgroundCheckpoints | undefined;
  const startup = setTimeout(() => {
    checkpoints = checkpointInBackground(context.db);
    follower = startFollower();
    runCatchUp();
    runSweep();
  }, backgroundStartDelayMs);
  // The timers alone must not keep the process alive: it ends when strfry closes stdin.
  const catchUpTimer = setInterval(runCatchUp, catchUpIntervalMs);
  catchUpTimer.unref();
  const sweepTimer = setInterval(runSweep, config.sweepIntervalSeconds * 1000);
  sweepTimer.unref();
  log.info("policy process ready", { pid: process.pid, service: config.service, gitRoot: config.gitRoot, socketPath, relayUrl: config.relayUrl });

  const answer = (line: string) => streams.output.write(line + "\n");
  // strfry gave up on this process (a timeout) and closed its end: stop as if stdin had closed.
  streams.output.on("error", (error) => {
    log.warn("strfry closed the answer pipe; stopping", { error: errorMessage(error) });
    streams.input.destroy();
  });
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
        const decision = await decideRequest(parsed.request, context);
        verdict = decision.verdict;
        if (decision.readyJobs > 0) kickJobs();
      } catch (error) {
        log.error("deciding an event failed", { id: event.id, kind: event.kind, error: errorMessage(error) });
        verdict = reject("error: the policy failed on this event; see the relay's logs");
      }
      // Holds and refusals are what an operator looks for; strfry logs what it stores itself,
      // and events unrelated to this server are a public relay's everyday traffic.
      const routine = verdict.action === "accept" || (verdict.action === "reject" && verdict.unrelated === true);
      const logDecision = routine ? log.debug : log.info;
      logDecision("decided", { id: event.id, kind: event.kind, pubkey: event.pubkey, action: verdict.action, reason: verdict.msg });
      answer(formatAnswer(event.id, verdict));
    }
  } finally {
    clearTimeout(startup);
    clearInterval(sweepTimer);
    clearInterval(catchUpTimer);
    follower?.close();
    daemonSocket.close();
    await exclusive(async () => undefined);
    await checkpoints?.close();
    context.close();
    log.info("policy process stopping: input closed", { pid: process.pid });
  }
}
