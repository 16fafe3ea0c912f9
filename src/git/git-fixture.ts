// Test helper: real git repositories in a temp dir for the unit tests of src/git (never used by
// the product). Fixed identity and dates, branch main, no signing, no background gc, no user
// or system config; the directory is removed when the test file finishes.

import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";

/** The environment every test git call runs with (the end-to-end tests' clients use it too). */
export const fixedGitEnvironment = {
  GIT_AUTHOR_NAME: "Test Author",
  GIT_AUTHOR_EMAIL: "author@example.com",
  GIT_COMMITTER_NAME: "Test Author",
  GIT_COMMITTER_EMAIL: "author@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  // Settings for every repository git runs in here (and the receive-pack of a local push):
  // no signing, no background gc or maintenance, branch main.
  ...configEnvironment({
    "commit.gpgsign": "false",
    "tag.gpgsign": "false",
    "gc.auto": "0",
    "maintenance.auto": "false",
    "init.defaultBranch": "main",
  }),
};

function configEnvironment(settings: Record<string, string>): Record<string, string> {
  const entries = Object.entries(settings);
  const environment: Record<string, string> = { GIT_CONFIG_COUNT: String(entries.length) };
  entries.forEach(([key, value], index) => {
    environment[`GIT_CONFIG_KEY_${index}`] = key;
    environment[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return environment;
}

let tick = 1_700_000_000;

/** Runs git in `cwd` with the fixed environment (identity, dates, settings) and returns its trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  tick += 60;
  const date = `@${tick} +0000`;
  return String(
    execFileSync("git", args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...fixedGitEnvironment, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    }),
  ).trim();
}

export interface WorkingRepository {
  dir: string;
  git(...args: string[]): string;
  /** An empty commit on the current branch; returns its id. */
  commit(message: string): string;
  /** Force-pushes these refspecs into `bare`. */
  push(bare: string, ...refspecs: string[]): void;
}

export interface GitSandbox {
  root: string;
  /** A new bare repository (`git init --bare`) under the sandbox, at `name` if given. */
  bare(name?: string): string;
  /** A copy of a repository made earlier (cheaper than building it again with git). */
  copy(repository: string): string;
  /** A new working repository on branch main. */
  working(): WorkingRepository;
}

/** A temp dir for repositories, removed after the test file. */
export function gitSandbox(prefix = "grasp-git-test-"): GitSandbox {
  const root = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  let counter = 0;
  return {
    root,
    bare(name) {
      const path = join(root, name ?? `bare-${(counter += 1)}.git`);
      mkdirSync(path, { recursive: true });
      git(path, "init", "--bare", "--quiet", "--initial-branch=main");
      return path;
    },
    copy(repository) {
      const path = join(root, `copy-${(counter += 1)}.git`);
      cpSync(repository, path, { recursive: true });
      return path;
    },
    working() {
      const dir = join(root, `work-${(counter += 1)}`);
      mkdirSync(dir);
      git(dir, "init", "--quiet", "--initial-branch=main");
      let commits = 0;
      return {
        dir,
        git: (...args) => git(dir, ...args),
        commit: (message) => {
          commits += 1;
          git(dir, "commit", "--quiet", "--allow-empty", "-m", `${message} ${commits} in ${dir}`);
          return git(dir, "rev-parse", "HEAD");
        },
        push: (bare, ...refspecs) => {
          git(dir, "push", "--quiet", "--force", bare, ...refspecs);
        },
      };
    },
  };
}
