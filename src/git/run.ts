// The one git runner. Every git call in the project goes through here, so that the
// environment (no prompts, no user config surprises) and the error type are the same.

import { execa } from "execa";
import { GraspError } from "../errors.js";

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
};

export async function runGit(args: readonly string[], options: RunGitOptions = {}): Promise<GitResult> {
  const result = await execa("git", args, {
    cwd: options.cwd,
    input: options.input,
    reject: false,
    stripFinalNewline: false,
    env: gitEnvironment,
  });
  const exitCode = result.exitCode ?? -1;
  if (exitCode !== 0 && !(options.allowedExitCodes ?? []).includes(exitCode)) {
    throw new GitError(args, String(result.stderr ?? result.message), result.exitCode);
  }
  return { stdout: String(result.stdout), exitCode };
}
