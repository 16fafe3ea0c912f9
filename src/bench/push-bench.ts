// `git push` through the dev server: a state-authorised commit to a hosted repository (our
// hooks, the daemon up), the same with no policy process running (killed, as a crash would;
// the relay restarts it on a later event), and the same push to a hook-less bare repository
// served by the same git http-backend: the baseline. Then the installed pre-receive hook as a
// process (daemon up) against `node -e 0`. Only the timed process itself is timed: commits,
// states and waits happen between.

import { join } from "node:path";
import { announcementOf, benchAuthor, stateOf } from "./bench-events.js";
import { benchGitEnvironment, hooklessRepository, hostedPath, workingRepository } from "./bench-git.js";
import type { WorkingRepository } from "./bench-git.js";
import { connectPublisher, killPolicy, startDevStack, waitForDaemon } from "./dev-stack.js";
import type { DevStack, RelayPublisher } from "./dev-stack.js";
import { fileTail, hookTimes } from "./hook-trace.js";
import { progress, sleep, timeProcess } from "./measure.js";

/** Per hook name, each run's time inside the timed pushes (from git's trace). */
export type HookRuns = Record<string, number[]>;

export interface PushFigures {
  hookless: number[];
  daemonUp: number[];
  noPolicy: number[];
  preReceive: number[];
  nodeNoop: number[];
  hooksDaemonUp: HookRuns;
  hooksNoPolicy: HookRuns;
  /** Pushes whose hooks said the daemon did not answer (the slow path) while it was up. */
  daemonUpFallbacks: number;
  /** The pre-receive hook's exit code on its last run (0: the no-op push was allowed). */
  preReceiveStatus: number;
}

export interface PushOptions {
  rounds: number;
  hookRuns: number;
}

interface Target {
  url: string;
  work: WorkingRepository;
}

function push(target: Target, hooks?: { trace: () => string; runs: HookRuns }): { ms: number; stderr: string } {
  hooks?.trace();
  const pushed = timeProcess("git", target.work.pushArgs(target.url), { cwd: target.work.dir, env: benchGitEnvironment });
  if (pushed.status !== 0) throw new Error(`bench: git push to ${target.url} failed (${pushed.status}):\n${pushed.stderr}${pushed.stdout}`);
  if (hooks !== undefined) for (const { hook, ms } of hookTimes(hooks.trace())) (hooks.runs[hook] ??= []).push(ms);
  return pushed;
}

async function publishState(relay: RelayPublisher, state: ReturnType<typeof stateOf>): Promise<void> {
  const [ok, message] = await relay.publish(state);
  if (!ok) throw new Error(`bench: the relay refused a state: ${message}`);
}

const saysDaemonDidNotAnswer = (stderr: string) => /daemon (did not answer|is not reachable)/.test(stderr);

export async function benchPushes(dir: string, options: PushOptions): Promise<PushFigures> {
  // git http-backend and the hooks it runs inherit the server's environment: git traces them.
  const tracePath = join(dir, "git-trace.json");
  const trace = fileTail(tracePath);
  const stack: DevStack = await startDevStack(join(dir, "dev"), { GIT_TRACE2_EVENT: tracePath });
  const relay = await connectPublisher(stack.relayUrl);
  try {
    const owner = benchAuthor();
    const hookedId = "bench-hooked";
    const [ok, message] = await relay.publish(announcementOf(owner, hookedId, stack.serviceHost));
    if (!ok) throw new Error(`bench: the announcement was refused: ${message}`);
    hooklessRepository(hostedPath(stack.gitRoot, owner.npub, "bench-hookless"));
    const hooked: Target = { url: `${stack.httpUrl}/${owner.npub}/${hookedId}.git`, work: workingRepository(join(dir, "work-hooked")) };
    const hookless: Target = { url: `${stack.httpUrl}/${owner.npub}/bench-hookless.git`, work: workingRepository(join(dir, "work-hookless")) };

    // A new commit, a held state declaring it, the daemon answering: then the timed push.
    const statePush = async (runs?: HookRuns) => {
      await publishState(relay, stateOf(owner, hookedId, hooked.work.commit()));
      await waitForDaemon(stack);
      return push(hooked, runs === undefined ? undefined : { trace, runs });
    };
    // Warm-up: the first push releases the announcement; git and the page cache warm up.
    for (let warmUp = 0; warmUp < 2; warmUp++) {
      await statePush();
      hookless.work.commit();
      push(hookless);
    }

    const figures: PushFigures = {
      hookless: [],
      daemonUp: [],
      noPolicy: [],
      preReceive: [],
      nodeNoop: [],
      hooksDaemonUp: {},
      hooksNoPolicy: {},
      daemonUpFallbacks: 0,
      preReceiveStatus: 0,
    };
    const measure = {
      hookless: async () => {
        hookless.work.commit();
        figures.hookless.push(push(hookless).ms);
      },
      daemonUp: async () => {
        const pushed = await statePush(figures.hooksDaemonUp);
        figures.daemonUp.push(pushed.ms);
        if (saysDaemonDidNotAnswer(pushed.stderr)) figures.daemonUpFallbacks += 1;
      },
      noPolicy: async () => {
        await publishState(relay, stateOf(owner, hookedId, hooked.work.commit()));
        const killed = await waitForDaemon(stack);
        await killPolicy(killed);
        figures.noPolicy.push(push(hooked, { trace, runs: figures.hooksNoPolicy }).ms);
        // The release at the end of that push started the policy again (the relay restarts it
        // on the next event): let it settle before anything else is timed.
        await waitForDaemon(stack, killed).catch(() => undefined);
        await sleep(500);
      },
    };
    const order = ["hookless", "daemonUp", "noPolicy"] as const;
    for (let round = 0; round < options.rounds; round++) {
      progress(`git push, round ${round + 1} of ${options.rounds}`);
      // A different order each round, so that no kind always follows the policy's restart.
      for (let step = 0; step < order.length; step++) await measure[order[(round + step) % order.length]!]();
    }

    // The installed hook (wrapper and all), as git runs it: in the repository, a no-op update
    // on stdin, the tip of the last push, which its released state declares.
    await statePush();
    await sleep(500);
    const repositoryPath = hostedPath(stack.gitRoot, owner.npub, hookedId);
    const tip = timeProcess("git", ["rev-parse", "HEAD"], { cwd: hooked.work.dir, env: benchGitEnvironment }).stdout.trim();
    const hookEnv = { ...process.env, GIT_DIR: "." };
    const runHook = () => timeProcess(join(repositoryPath, "hooks", "pre-receive"), [], { cwd: repositoryPath, env: hookEnv, input: `${tip} ${tip} refs/heads/main\n` });
    const runNode = () => timeProcess(process.execPath, ["-e", "0"]);
    runHook();
    runNode();
    progress(`pre-receive and node -e 0, ${options.hookRuns} runs each`);
    for (let run = 0; run < options.hookRuns; run++) {
      const first = run % 2 === 0;
      if (!first) figures.nodeNoop.push(runNode().ms);
      const hook = runHook();
      figures.preReceive.push(hook.ms);
      figures.preReceiveStatus = hook.status;
      if (first) figures.nodeNoop.push(runNode().ms);
    }
    return figures;
  } finally {
    relay.close();
    await stack.stop();
  }
}
