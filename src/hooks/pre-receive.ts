// pre-receive: authorise the push (SPEC §5). The pushed objects are still in quarantine and
// refs cannot change here; this only decides, records placeholders for PR refs that came
// before their event, and keeps the authorising held state from expiring mid-push. The one
// implementation, run by the daemon when it answers the hook and by the Node hook otherwise.

import * as kinds from "nostr-tools/kinds";
import type { Config } from "../config.js";
import { daemonSocketPath } from "../config.js";
import { GraspError } from "../errors.js";
import { readBranchesAndTags } from "../git/refs.js";
import { repositoryName } from "../git/repository-path.js";
import { coordinateOf } from "../nostr/coordinates.js";
import { tagValue } from "../nostr/event.js";
import { authorisePush } from "../policy/push-authorisation.js";
import type { RefUpdate } from "../policy/push-authorisation.js";
import type { RepositoryContext } from "./repository-context.js";
import { openRepositoryContext } from "./repository-context.js";
import { readRefUpdates } from "./read-updates.js";
import { askDaemon } from "../plugin/daemon-client.js";
import { nudgePolicy } from "../plugin/wake-policy.js";

export class PushRejectedError extends GraspError {}

export interface HookOutcome {
  ok: boolean;
  /** What git shows the pusher (as `remote: ...`). */
  lines: string[];
  /** When refused: the one-line reason the hook exits with. */
  refusal?: string;
}

export async function decidePreReceive(config: Config, repository: RepositoryContext, updates: readonly RefUpdate[], now: number): Promise<HookOutcome> {
  const name = repositoryName(repository.owner, repository.identifier);
  const decision = authorisePush({
    updates,
    current: await readBranchesAndTags(repository.path),
    heldStates: repository.heldStates,
    latestAccepted: repository.latestAccepted,
    pullRequestTip: (id) => {
      const held = repository.purgatory.heldEvent(id);
      return repository.index.acceptedPullRequestTip(id) ?? (held === undefined ? undefined : tagValue(held.event, "c"));
    },
    hasPlaceholder: (id) => repository.purgatory.placeholder(id, name) !== undefined,
    placeholdersInRepository: repository.purgatory.placeholderCount(name),
    limits: config.limits,
  });
  if (!decision.allowed) {
    if (decision.limit !== undefined) repository.purgatory.record(name, undefined, "limited", now, decision.limit);
    return { ok: false, lines: decision.errors.map((line) => `error: ${line}`), refusal: `push rejected: ${decision.problems} problem(s) above` };
  }
  for (const { eventId, tip } of decision.placeholders) {
    repository.purgatory.addPlaceholder({ eventId, repository: name, tip, arrivedAt: now, expiresAt: now + config.purgatoryTtlSeconds });
  }
  if (decision.authorisingState !== undefined) {
    // The push is under way: neither the state nor its announcement may expire before post-receive.
    const announcementCoordinate = coordinateOf({ kind: kinds.RepositoryAnnouncement, pubkey: repository.owner, tags: [["d", repository.identifier]] })!;
    const announcements = repository.purgatory.heldAtCoordinate(announcementCoordinate).map((held) => held.event.id);
    repository.purgatory.extendUntil([decision.authorisingState, ...announcements], now + config.purgatoryTtlSeconds);
  }
  return { ok: true, lines: [] };
}

/** The Node hook: the same decision with the store opened here. */
export async function preReceive(config: Config): Promise<void> {
  // No daemon answers: strfry runs no policy process, and post-receive will need its daemon
  // (to release through strfry). Have strfry start one while this hook decides, and let the
  // push go on once it runs, so that post-receive finds the daemon.
  const refused = new AbortController();
  const woken = askDaemon(daemonSocketPath(config), { op: "ping" }, daemonPingMs).then((ping) =>
    ping.ok ? undefined : nudgePolicy(config.relayUrl, policyStartWaitMs, refused.signal),
  );
  try {
    const updates = await readRefUpdates(process.stdin);
    const repository = openRepositoryContext(config);
    try {
      const outcome = await decidePreReceive(config, repository, updates, Math.floor(Date.now() / 1000));
      for (const line of outcome.lines) process.stderr.write(`${line}\n`);
      if (!outcome.ok) throw new PushRejectedError(outcome.refusal ?? "push rejected");
    } finally {
      repository.db.close();
    }
  } catch (error) {
    refused.abort();
    throw error;
  } finally {
    await woken;
  }
}

const daemonPingMs = 1_000;
/** A policy process starts in well under a second; strfry itself gives a plugin 10 s. */
const policyStartWaitMs = 5_000;