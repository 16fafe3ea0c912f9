// Creates (or repairs) a hosted bare repository: the settings GRASP-01 clients need and our
// hooks. Safe to run again on an existing repository; ngit polls for it for only 15 s, so
// the policy calls this before it answers the announcement.

import { mkdir } from "node:fs/promises";
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

export async function createRepository(path: string, hooks: HookInstallation): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await runGit(["init", "--bare", "--quiet", path]);
  for (const [key, value] of Object.entries(hostedRepositorySettings)) {
    await runGit(["config", key, value], { cwd: path });
  }
  await installHooks(path, hooks);
}
