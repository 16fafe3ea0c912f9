// Gives back the space of objects nothing references any more, such as those only expired
// `refs/nostr/<id>` placeholders pointed at. Only objects older than the given age go, so a
// push whose objects arrived but whose refs are not updated yet loses nothing.

import { runGit } from "./run.js";

export async function pruneUnreferenced(repository: string, olderThanSeconds: number): Promise<void> {
  await runGit(["gc", "--quiet", `--prune=${olderThanSeconds}.seconds.ago`], { cwd: repository });
}
