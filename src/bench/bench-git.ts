// git for the bench: a fixed environment (no user config, no signing, no background gc), a
// template bare repository with one commit to copy into place as a hosted repository, a
// hook-less bare repository, and a developer's working repository that makes a new commit
// per push.

import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const benchGitEnvironment: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: "Bench",
  GIT_AUTHOR_EMAIL: "bench@example.com",
  GIT_COMMITTER_NAME: "Bench",
  GIT_COMMITTER_EMAIL: "bench@example.com",
  GIT_AUTHOR_DATE: "@1700000000 +0000",
  GIT_COMMITTER_DATE: "@1700000000 +0000",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_CONFIG_COUNT: "4",
  GIT_CONFIG_KEY_0: "commit.gpgsign",
  GIT_CONFIG_VALUE_0: "false",
  GIT_CONFIG_KEY_1: "gc.auto",
  GIT_CONFIG_VALUE_1: "0",
  GIT_CONFIG_KEY_2: "maintenance.auto",
  GIT_CONFIG_VALUE_2: "false",
  GIT_CONFIG_KEY_3: "init.defaultBranch",
  GIT_CONFIG_VALUE_3: "main",
};

export function git(args: readonly string[], options: { cwd?: string; input?: string } = {}): string {
  return execFileSync("git", args, { cwd: options.cwd, input: options.input ?? "", env: benchGitEnvironment, encoding: "utf8" }).trim();
}

/** `<git root>/<npub>/<d>.git`, as the server lays repositories out. */
export const hostedPath = (gitRoot: string, npub: string, identifier: string) => join(gitRoot, npub, `${identifier}.git`);

/** A bare repository that accepts pushes over HTTP and has no hooks: the baseline's. */
export function hooklessRepository(path: string): void {
  git(["init", "--bare", "--quiet", path]);
  git(["config", "http.receivepack", "true"], { cwd: path });
}

export interface TemplateRepository {
  path: string;
  /** The commit main points at. */
  commit: string;
}

/**
 * A bare repository with a short history on main, packed as a clone or a large push leaves
 * it (object look-ups then go through a pack index); copies of it are repositories with data.
 */
export function templateRepository(path: string, commits = 20): TemplateRepository {
  hooklessRepository(path);
  let commit = "";
  for (let index = 0; index < commits; index++) {
    const blob = git(["hash-object", "-w", "--stdin"], { cwd: path, input: `version ${index}\n` });
    const tree = git(["mktree"], { cwd: path, input: `100644 blob ${blob}\tfile.txt\n` });
    commit = git(["commit-tree", "-m", `version ${index}`, ...(commit === "" ? [] : ["-p", commit]), tree], { cwd: path });
  }
  git(["update-ref", "refs/heads/main", commit], { cwd: path });
  git(["symbolic-ref", "HEAD", "refs/heads/main"], { cwd: path });
  git(["repack", "-a", "-d", "-q"], { cwd: path });
  return { path, commit };
}

/** Puts a copy of the template where the server hosts `<npub>/<d>.git` (no git process). */
export function copyTemplate(template: TemplateRepository, gitRoot: string, npub: string, identifier: string): string {
  const path = hostedPath(gitRoot, npub, identifier);
  mkdirSync(join(gitRoot, npub), { recursive: true });
  cpSync(template.path, path, { recursive: true });
  return path;
}

export interface WorkingRepository {
  dir: string;
  /** A new commit on main (one changed file) and its id. */
  commit(): string;
  /** The push command's arguments: force, as ngit pushes to GRASP servers. */
  pushArgs(url: string): string[];
}

export function workingRepository(dir: string): WorkingRepository {
  mkdirSync(dir, { recursive: true });
  git(["init", "--quiet", dir]);
  let counter = 0;
  return {
    dir,
    commit() {
      counter += 1;
      writeFileSync(join(dir, "file.txt"), `change ${counter}\n`);
      git(["add", "file.txt"], { cwd: dir });
      git(["commit", "--quiet", "-m", `change ${counter}`], { cwd: dir });
      return git(["rev-parse", "HEAD"], { cwd: dir });
    },
    pushArgs: (url) => ["push", "--force", "--porcelain", url, "main"],
  };
}
