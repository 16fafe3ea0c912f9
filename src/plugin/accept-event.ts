// What accepting an event does besides answering: an announcement that lists us gets its
// repository, a deletion updates the index, and every accepted event enters the index.
// Runs before the answer is written, so strfry and the hooks never see us half-way.

import { kinds } from "nostr-tools";
import type { NostrEvent } from "nostr-tools";
import { createRepository } from "../git/create-repository.js";
import type { HookInstallation } from "../git/install-hooks.js";
import { repositoryPath } from "../git/repository-path.js";
import { readAnnouncement } from "../nostr/nip34.js";
import { missingServiceListings } from "../policy/announcement-lists-service.js";
import type { ServiceAddress } from "../config.js";
import type { AcceptedIndex } from "../purgatory/accepted-index.js";
import { isNewerEvent } from "../nostr/coordinates.js";

export interface AcceptContext {
  service: ServiceAddress;
  gitRoot: string;
  hooks: HookInstallation;
  index: AcceptedIndex;
}

export async function acceptEvent(event: NostrEvent, context: AcceptContext): Promise<void> {
  if (event.kind === kinds.RepositoryAnnouncement) {
    const announcement = readAnnouncement(event);
    const listsService = missingServiceListings(announcement, context.service).length === 0;
    const current = context.index.view.announcement(announcement.owner, announcement.identifier);
    const isCurrent = current === undefined || current.id === event.id || isNewerEvent(event, { id: current.id, created_at: current.createdAt });
    if (listsService && isCurrent) {
      await createRepository(repositoryPath(context.gitRoot, announcement.owner, announcement.identifier), context.hooks);
    }
    context.index.recordAccepted(event, { listsService });
    return;
  }
  if (event.kind === kinds.EventDeletion) context.index.applyDeletion(event);
  context.index.recordAccepted(event);
}
