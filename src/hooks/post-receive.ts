// post-receive: the push is in. Align refs and HEAD with the winning state, record that the
// repository received data, then release what the push completed before `git push` returns
// (ngit expects the state to be queryable then). The daemon does all of it when it answers the
// hook over its socket; the Node hook aligns here and asks the daemon to release, or, with no
// daemon listening (strfry starts the plugin only on an event), releases it itself.

import type { Config } from "../config.js";
import { daemonSocketPath } from "../config.js";
import { alignRepository } from "../git/align-repository.js";
import { objectChecker } from "../git/object-checker.js";
import type { ObjectChecker } from "../git/object-checker.js";
import { repositoryName } from "../git/repository-path.js";
import { winningCompleteState } from "../git/winning-complete-state.js";
import { askDaemon } from "../plugin/daemon-client.js";
import type { ReleaseReport } from "../plugin/release.js";
import type { RepositoryContext } from "./repository-context.js";
import { openRepositoryContext } from "./repository-context.js";
import { readRefUpdates } from "./read-updates.js";

export const releaseWaitMs = 30_000;

/** Refs and HEAD follow the winning complete state; the daemon's catch-up will look at the repository whatever happens next. */
export async function alignAfterPush(repository: RepositoryContext, objects: ObjectChecker, now: number): Promise<void> {
  const winner = await winningCompleteState(repository.path, repository, objects);
  if (winner !== undefined) await alignRepository(repository.path, winner, objects);
  repository.purgatory.recordPush(repositoryName(repository.owner, repository.identifier), now);
}

/** What the pusher is told about a release the hook or the daemon ran. */
export function releaseLines(report: ReleaseReport): string[] {
  return report.failed.map(({ id, message }) => `warning: purgatory: ${id.slice(0, 8)} is not released yet (${message}); it is retried while it is held`);
}

export async function postReceive(config: Config): Promise<void> {
  await readRefUpdates(process.stdin);
  const repository = openRepositoryContext(config);
  const name = repositoryName(repository.owner, repository.identifier);
  const pushedAt = Math.floor(Date.now() / 1000);
  const objects = objectChecker();
  let storeOpen = true;
  try {
    try {
      await alignAfterPush(repository, objects, pushedAt);
    } finally {
      objects.close();
    }
    const answer = await askDaemon(daemonSocketPath(config), { op: "release", repository: name }, releaseWaitMs);
    if (answer.ok) return;
    // Loaded only here: the release needs the whole policy, which the usual path never starts.
    const { openPurgatoryContext } = await import("../plugin/purgatory-context.js");
    const { releaseRepository } = await import("../plugin/release.js");
    const context = openPurgatoryContext(config, repository.db);
    storeOpen = false;
    try {
      const report = await releaseRepository(context, repository.owner, repository.identifier);
      if (report.failed.length === 0) context.purgatory.clearPush(name, pushedAt);
      if (report.released.length > 0) {
        process.stderr.write(`purgatory: released ${report.released.length} held event(s) through strfry (the daemon did not answer: ${answer.error})\n`);
      }
      for (const line of releaseLines(report)) process.stderr.write(`${line}\n`);
    } finally {
      context.close();
    }
  } finally {
    if (storeOpen) repository.db.close();
  }
}
