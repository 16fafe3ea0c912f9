// post-receive: the push is in. Align refs and HEAD with the winning state, record that the
// repository received data, then have the daemon release what the push completed, and wait
// for it: ngit expects the state to be queryable when `git push` returns. With no daemon
// listening (strfry starts the plugin only on an event), the hook releases it itself, the
// same way the daemon would.

import type { Config } from "../config.js";
import { daemonSocketPath } from "../config.js";
import { alignRepository } from "../git/align-repository.js";
import { objectChecker } from "../git/object-checker.js";
import { repositoryName } from "../git/repository-path.js";
import { winningCompleteState } from "../git/winning-complete-state.js";
import { askDaemon } from "../plugin/daemon-client.js";
import { openPurgatoryContext } from "../plugin/purgatory-context.js";
import { releaseRepository } from "../plugin/release.js";
import { openRepositoryContext } from "./repository-context.js";
import { readRefUpdates } from "./read-updates.js";

export const releaseWaitMs = 30_000;

export async function postReceive(config: Config): Promise<void> {
  await readRefUpdates(process.stdin);
  const repository = openRepositoryContext(config);
  const name = repositoryName(repository.owner, repository.identifier);
  const pushedAt = Math.floor(Date.now() / 1000);
  const objects = objectChecker();
  try {
    const winner = await winningCompleteState(repository.path, repository, objects);
    if (winner !== undefined) await alignRepository(repository.path, winner, objects);
    // Whatever happens next, the daemon's catch-up looks at this repository.
    repository.purgatory.recordPush(name, pushedAt);
  } finally {
    objects.close();
    repository.db.close();
  }
  const answer = await askDaemon(daemonSocketPath(config), { op: "release", repository: name }, releaseWaitMs);
  if (answer.ok) return;
  const context = openPurgatoryContext(config);
  try {
    const report = await releaseRepository(context, repository.owner, repository.identifier);
    if (report.failed.length === 0) context.purgatory.clearPush(name, pushedAt);
    if (report.released.length > 0) {
      process.stderr.write(`purgatory: released ${report.released.length} held event(s) through strfry (the daemon did not answer: ${answer.error})\n`);
    }
    for (const { id, message } of report.failed) {
      process.stderr.write(`warning: purgatory: ${id.slice(0, 8)} is not released yet (${message}); it is retried while it is held\n`);
    }
  } finally {
    context.close();
  }
}
