// Creates (or repairs) a hosted bare repository: the settings GRASP-01 clients need and our
// hooks. Safe to run again on an existing repository; ngit polls for it for only 15 s, so
// the policy calls this before it answers the announcement.

import { chmod, mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { installHooks } from "./install-hooks.js";
import type { HookInstallation } from "./install-hooks.js";
import { runGit } from "./run.js";

export const hostedRepositorySettings: Readonly<Record<string, string>> = {
  // Pushes arrive over unauthenticated HTTP; the pre-receive hook is the authorisation.
  "http.receivepack": "true",
  "uploadpack.allowTipSHA1InWant": "true",
  "uploadpack.allowReachableSHA1InWant": "true",
  "uploadpack.allowFilter": "true",
};

/**
 * The owner's directory (`<git root>/<npub>`): group-writable and setgid, whatever the policy
 * process's umask, so that everything below it belongs to the deployment's shared group; and
 * readable by others, so that nginx can tell an existing repository from an unknown one.
 */
export const ownerDirectoryMode = 0o2775;

async function ensureOwnerDirectory(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
  const { mode, uid } = await stat(path);
  // Only the owner may change the mode; another user's directory is the operator's to fix (doctor says so).
  if ((mode & 0o7777) !== ownerDirectoryMode && uid === process.geteuid?.()) await chmod(path, ownerDirectoryMode);
}

export async function createRepository(path: string, hooks: HookInstallation): Promise<void> {
  await ensureOwnerDirectory(dirname(path));
  // --shared=group (core.sharedRepository): git makes every file and directory it creates
  // group-writable, so that the policy (strfry's user) and the hooks (the web server's user)
  // can both write refs and objects whatever their umask.
  await runGit(["init", "--bare", "--quiet", "--shared=group", path]);
  for (const [key, value] of Object.entries(hostedRepositorySettings)) {
    await runGit(["config", key, value], { cwd: path });
  }
  await installHooks(path, hooks);
}
