// Runs a strfry write-policy plugin exactly as strfry's PluginEventSifter does:
// `/bin/sh -c <command>` started on first use, one request line per event and strictly one
// event at a time, each read of an answer bounded by the timeout. Any error (crash, timeout,
// id mismatch, missing or unknown action, an over-long line) answers the event
// `error: internal error` and stops the plugin; the next event starts it again. A command
// that is a bare path (no space) is restarted when that file's mtime changes.

import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { stat } from "node:fs/promises";
import type { NostrEvent } from "nostr-tools";
import { errorMessage, log } from "../log.js";
import { readPluginAnswer } from "./plugin-answer.js";
import type { PluginAction } from "./plugin-answer.js";
import { lineReader } from "./line-reader.js";
import type { LineReader } from "./line-reader.js";
import { maxPluginAnswerBytes } from "./strfry-defaults.js";

export interface WritePolicyPluginOptions {
  command: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  cwd?: string;
}

/** strfry's request line: `authed` only for a connection that did NIP-42 AUTH. */
export interface PluginRequest {
  event: NostrEvent;
  receivedAt: number;
  sourceType: string;
  sourceInfo: string;
  authed?: string;
}

export interface PluginVerdict {
  action: PluginAction;
  msg: string;
}

export interface WritePolicyPlugin {
  decide(request: PluginRequest): Promise<PluginVerdict>;
  /** Closes the plugin's stdin, lets it finish and exit, and only then signals it. */
  close(): Promise<void>;
}

export const internalError: PluginVerdict = { action: "reject", msg: "error: internal error" };

interface RunningPlugin {
  child: ChildProcess;
  answers: LineReader;
  /** The command file's mtime when started; undefined when the command is not a bare path. */
  modifiedAt: bigint | undefined;
  exited: Promise<void>;
  hasExited(): boolean;
}

class PluginError extends Error {}

const exitGraceMs = 5000;

async function modificationTime(path: string): Promise<bigint> {
  try {
    return (await stat(path, { bigint: true })).mtimeNs;
  } catch {
    throw new PluginError(`couldn't stat plugin: ${path}`);
  }
}

function waitForExit(plugin: RunningPlugin, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void plugin.exited.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function startPlugin(options: WritePolicyPluginOptions): RunningPlugin {
  log.info("setting up write policy plugin", { command: options.command });
  const child = spawn("/bin/sh", ["-c", options.command], {
    env: options.env,
    cwd: options.cwd,
    // strfry leaves the plugin's stderr alone: its logs go where the relay's go.
    stdio: ["pipe", "pipe", "inherit"],
  });
  let hasExited = false;
  const exited = new Promise<void>((resolve) => {
    const done = () => {
      hasExited = true;
      resolve();
    };
    child.once("exit", (code, signal) => {
      log.info("write policy plugin exited", { pid: child.pid, code, signal });
      done();
    });
    child.once("error", (error) => {
      log.error("write policy plugin could not run", { command: options.command, error: errorMessage(error) });
      done();
    });
  });
  // A write to a plugin that has died fails here and again in write()'s callback, which reports it.
  child.stdin!.on("error", () => undefined);
  return {
    child,
    answers: lineReader(child.stdout!, maxPluginAnswerBytes),
    modifiedAt: undefined,
    exited,
    hasExited: () => hasExited,
  };
}

function writeLine(plugin: RunningPlugin, line: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (plugin.hasExited() || plugin.child.stdin === null || plugin.child.stdin.destroyed) {
      reject(new PluginError("pipe to plugin was closed (plugin crashed?)"));
      return;
    }
    const timer = setTimeout(() => reject(new PluginError(`timed out after ${timeoutMs} ms writing the event`)), timeoutMs);
    plugin.child.stdin.write(line, (error) => {
      clearTimeout(timer);
      if (error) reject(new PluginError(`failed to write event: ${error.message}`));
      else resolve();
    });
  });
}

async function stopPlugin(plugin: RunningPlugin, how: "signal" | "close stdin"): Promise<void> {
  if (how === "close stdin") {
    plugin.child.stdin?.end();
    if (await waitForExit(plugin, exitGraceMs)) return;
  }
  plugin.child.stdin?.destroy();
  plugin.child.kill("SIGTERM");
  if (await waitForExit(plugin, exitGraceMs)) return;
  log.warn("write policy plugin ignored SIGTERM; killing it", { pid: plugin.child.pid });
  plugin.child.kill("SIGKILL");
  await plugin.exited;
}

export function writePolicyPlugin(options: WritePolicyPluginOptions): WritePolicyPlugin {
  const commandIsPath = !options.command.includes(" ");
  let running: RunningPlugin | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  const stop = async (how: "signal" | "close stdin") => {
    const plugin = running;
    running = undefined;
    if (plugin !== undefined) await stopPlugin(plugin, how);
  };

  const ensureRunning = async (): Promise<RunningPlugin> => {
    if (running !== undefined && commandIsPath && (await modificationTime(options.command)) !== running.modifiedAt) {
      log.info("write policy plugin file changed; restarting it", { command: options.command });
      await stop("signal");
    }
    if (running === undefined) {
      running = startPlugin(options);
      if (commandIsPath) running.modifiedAt = await modificationTime(options.command);
    }
    return running;
  };

  const decideNow = async (request: PluginRequest): Promise<PluginVerdict> => {
    if (closed) return internalError;
    const { event } = request;
    try {
      const plugin = await ensureRunning();
      const line = JSON.stringify({
        type: "new",
        event,
        receivedAt: request.receivedAt,
        sourceType: request.sourceType,
        sourceInfo: request.sourceInfo,
        ...(request.authed === undefined ? {} : { authed: request.authed }),
      });
      await writeLine(plugin, `${line}\n`, options.timeoutMs);
      for (;;) {
        const answerLine = await plugin.answers.next(options.timeoutMs);
        const answer = readPluginAnswer(answerLine, event.id);
        if (answer.kind === "answer") return { action: answer.action, msg: answer.msg };
        if (answer.kind === "error") throw new PluginError(answer.problem);
        log.warn("skipping a line from the write policy plugin that is not JSON", { line: answerLine.slice(0, 200) });
      }
    } catch (error) {
      log.error("write policy plugin error; it will be restarted for the next event", { id: event.id, error: errorMessage(error) });
      await stop("signal");
      return internalError;
    }
  };

  return {
    decide(request) {
      const verdict = queue.then(() => decideNow(request));
      queue = verdict;
      return verdict;
    },
    async close() {
      closed = true;
      await queue;
      await stop("close stdin");
    },
  };
}
