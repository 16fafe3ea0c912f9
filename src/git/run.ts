// The one git runner. Every git call in the project goes through here, so that the
// environment (no prompts, no user config surprises) and the error type are the same.
// It uses node:child_process rather than execa: the hooks run on every push, and loading
// execa cost about 0.16 s of each hook's start (see README, Stack).

import { spawn } from "node:child_process";
import { GraspError } from "../errors.js";
import { gitBinary } from "./git-binary.js";

export class GitError extends GraspError {
  readonly args: readonly string[];
  readonly stderr: string;
  constructor(args: readonly string[], stderr: string, exitCode: number | undefined) {
    super(`git ${args.join(" ")} failed${exitCode === undefined ? "" : ` (exit ${exitCode})`}: ${stderr.trim() || "no output"}`);
    this.args = args;
    this.stderr = stderr;
  }
}

export interface RunGitOptions {
  /** The repository (a bare repository's directory) or working directory. */
  cwd?: string;
  input?: string;
  /** Exit codes that are answers rather than failures (e.g. 1 from `show-ref --verify`). */
  allowedExitCodes?: readonly number[];
}

export interface GitResult {
  stdout: string;
  exitCode: number;
}

export const gitEnvironment: Record<string, string> = {
  GIT_TERMINAL_PROMPT: "0",
  GIT_CONFIG_NOSYSTEM: "1",
  // The repositories belong to strfry's user, git http-backend's user writes them too, and
  // root runs the CLI: git's ownership check ("dubious ownership") would refuse all but one.
  // Every repository we touch is confined to the git root.
  GIT_CONFIG_COUNT: "1",
  GIT_CONFIG_KEY_0: "safe.directory",
  GIT_CONFIG_VALUE_0: "*",
};

export function runGit(args: readonly string[], options: RunGitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(gitBinary, args, { cwd: options.cwd, env: { ...process.env, ...gitEnvironment }, stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on("error", () => undefined);
    child.on("error", (error) => reject(new GitError(args, error.message, undefined)));
    child.on("close", (code) => {
      const exitCode = code ?? -1;
      if (exitCode !== 0 && !(options.allowedExitCodes ?? []).includes(exitCode)) {
        reject(new GitError(args, Buffer.concat(stderr).toString(), exitCode));
      } else {
        resolve({ stdout: Buffer.concat(stdout).toString(), exitCode });
      }
    });
    child.stdin.end(options.input ?? "");
  });
}
