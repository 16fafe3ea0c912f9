// A developer's working repository for end-to-end tests: fixed identity and dates, branch
// main, no signing or background gc, removed with the test's temp dirs.

import { execFileSync, spawnSync } from "node:child_process";
import type { ExecFileSyncOptions } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fixedGitEnvironment } from "../../src/git/git-fixture.js";
import { tempDir } from "./temp-dir.js";


let tick = 1_700_000_000;

export interface GitResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface WorkingRepository {
  dir: string;
  git(...args: string[]): string;
  /** Runs git and returns status and output instead of throwing. */
  tryGit(...args: string[]): GitResult;
  commit(message: string): string;
  /** Pushes with --force (as ngit does to GRASP servers) and returns the outcome. */
  push(url: string, ...refspecs: string[]): GitResult;
}

export function workingRepository(): WorkingRepository {
  const dir = join(tempDir("grasp-work-"), "work");
  mkdirSync(dir);
  const options = (): ExecFileSyncOptions => {
    tick += 60;
    const date = `@${tick} +0000`;
    return { cwd: dir, encoding: "utf8", env: { ...process.env, ...fixedGitEnvironment, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } };
  };
  const git = (...args: string[]) => String(execFileSync("git", args, options())).trim();
  // stderr is kept on success too: a push that succeeds can still carry the server's warnings.
  const tryGit = (...args: string[]): GitResult => {
    const result = spawnSync("git", args, { ...options(), stdio: ["ignore", "pipe", "pipe"] });
    if (result.error !== undefined) throw result.error;
    return { status: result.status ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  };
  git("init", "--quiet", "--initial-branch=main");
  let counter = 0;
  return {
    dir,
    git,
    tryGit,
    commit: (message) => {
      counter += 1;
      git("commit", "--quiet", "--allow-empty", "-m", `${message} ${counter}`);
      return git("rev-parse", "HEAD");
    },
    push: (url, ...refspecs) => tryGit("push", "--force", "--porcelain", url, ...refspecs),
  };
}
