// post-receive: the push is in. Align refs and HEAD with the winning state, then have the
// daemon release what the push completed, and wait for it: ngit expects the state to be
// queryable when `git push` returns.

import type { Config } from "../config.js";
import { daemonSocketPath } from "../config.js";
import { alignRepository } from "../git/align-repository.js";
import { objectChecker } from "../git/object-checker.js";
import { repositoryName } from "../git/repository-path.js";
import { winningCompleteState } from "../git/winning-complete-state.js";
import { askDaemon } from "../plugin/daemon-client.js";
import { openRepositoryContext } from "./repository-context.js";
import { readRefUpdates } from "./read-updates.js";

export const releaseWaitMs = 30_000;

export async function postReceive(config: Config): Promise<void> {
  await readRefUpdates(process.stdin);
  const repository = openRepositoryContext(config);
  const objects = objectChecker();
  try {
    const winner = await winningCompleteState(repository.path, repository, objects);
    if (winner !== undefined) await alignRepository(repository.path, winner, objects);
  } finally {
    objects.close();
    repository.db.close();
  }
  const answer = await askDaemon(
    daemonSocketPath(config),
    { op: "release", repository: repositoryName(repository.owner, repository.identifier) },
    releaseWaitMs,
  );
  if (!answer.ok) {
    process.stderr.write(`warning: purgatory: ${answer.error}; held events will be released by the next sweep (within ${config.sweepIntervalSeconds} s)\n`);
  }
}
