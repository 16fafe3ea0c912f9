// git's absolute path, found once: spawning "git" makes Node try every PATH directory in turn,
// which on a busy policy process is thousands of failed execve calls.

import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

function findGit(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, "git");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  // Let spawn report it the usual way (ENOENT).
  return "git";
}

export const gitBinary = findGit();
