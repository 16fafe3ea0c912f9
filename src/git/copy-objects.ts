// GRASP-01 asks a server to keep every repository for which a state is authoritative in sync:
// the objects a state needs are copied from a repository that has them.

import { runGit } from "./run.js";

export async function copyObjects(from: string, to: string, oids: readonly string[]): Promise<void> {
  if (oids.length === 0) return;
  await runGit(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", from, ...oids], { cwd: to });
}
