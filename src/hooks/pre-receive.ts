// pre-receive: authorise the push (SPEC §5). The pushed objects are still in quarantine and
// refs cannot change here; this only decides, records placeholders for PR refs that came
// before their event, and keeps the authorising held state from expiring mid-push.

import { kinds } from "nostr-tools";
import type { Config } from "../config.js";
import { GraspError } from "../errors.js";
import { readBranchesAndTags } from "../git/refs.js";
import { repositoryName } from "../git/repository-path.js";
import { tagValue } from "../nostr/event.js";
import { coordinateOf } from "../nostr/coordinates.js";
import { authorisePush } from "../policy/push-authorisation.js";
import { openRepositoryContext } from "./repository-context.js";
import { readRefUpdates } from "./read-updates.js";

export class PushRejectedError extends GraspError {}

export async function preReceive(config: Config): Promise<void> {
  const updates = await readRefUpdates(process.stdin);
  const repository = openRepositoryContext(config);
  const name = repositoryName(repository.owner, repository.identifier);
  try {
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
    const now = Math.floor(Date.now() / 1000);
    if (!decision.allowed) {
      for (const line of decision.errors) process.stderr.write(`error: ${line}\n`);
      if (decision.limit !== undefined) repository.purgatory.record(name, undefined, "limited", now, decision.limit);
      throw new PushRejectedError(`push rejected: ${decision.problems} problem(s) above`);
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
  } finally {
    repository.db.close();
  }
}
