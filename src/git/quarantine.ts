// git receives a push's objects into a quarantine directory (objects/tmp_objdir-incoming-*)
// until pre-receive has accepted it: while one exists, a push is under way.

import { readdir } from "node:fs/promises";
import { join } from "node:path";

export async function isReceivingPush(repository: string): Promise<boolean> {
  const entries = await readdir(join(repository, "objects")).catch(() => [] as string[]);
  return entries.some((entry) => entry.startsWith("tmp_objdir-incoming"));
}
