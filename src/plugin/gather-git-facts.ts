// Asks git what the rules need to know about an event's repositories, before they run.

import { existsSync } from "node:fs";
import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import type { ServiceAddress } from "../config.js";
import type { ObjectChecker } from "../git/object-checker.js";
import { readBranchesAndTags } from "../git/refs.js";
import { repositoryName, repositoryPath } from "../git/repository-path.js";
import { parseCoordinate } from "../nostr/coordinates.js";
import { tagValue, tagValues } from "../nostr/event.js";
import { readAnnouncement, repositoryIdentifierProblem } from "../nostr/nip34.js";
import { readRepositoryState } from "../nostr/repository-state.js";
import { missingServiceListings } from "../policy/announcement-lists-service.js";
import type { GitFacts, RepositoryFacts } from "../policy/git-facts.js";
import { noGitFacts } from "../policy/git-facts.js";
import { ownersInTrustOrder } from "../policy/maintainers.js";
import { pullRequestKinds } from "../policy/pull-request-tip-exists.js";
import type { AcceptedView } from "../policy/view.js";

export interface TargetOptions {
  service: ServiceAddress;
  /**
   * The repositories one state is checked against and kept in sync with, at most: the
   * answer's work stays bounded however many announcements name its author as a maintainer.
   */
  repositoriesPerState: number;
}

export interface GitFactsContext extends TargetOptions {
  gitRoot: string;
  objects: ObjectChecker;
}

interface Target {
  owner: string;
  identifier: string;
}

/** The hosted repositories an event concerns, and the objects it needs there. */
export function targetsOf(event: NostrEvent, view: AcceptedView, options: TargetOptions): { targets: Target[]; objects: string[] } {
  const { service } = options;
  if (event.kind === kinds.RepositoryAnnouncement) {
    const announcement = readAnnouncement(event);
    const hosted = missingServiceListings(announcement, service).length === 0;
    return { targets: hosted ? [{ owner: event.pubkey, identifier: announcement.identifier }] : [], objects: [] };
  }
  if (event.kind === kinds.RepositoryState) {
    const state = readRepositoryState(event);
    const owners = ownersInTrustOrder(event.pubkey, state.identifier, (d) => view.announcementsWithIdentifier(d)).slice(0, options.repositoriesPerState);
    return { targets: owners.map((owner) => ({ owner, identifier: state.identifier })), objects: [...state.objects] };
  }
  if (pullRequestKinds.has(event.kind)) {
    const targets = tagValues(event, "a")
      .map(parseCoordinate)
      .filter((coordinate) => coordinate?.kind === kinds.RepositoryAnnouncement)
      .filter((coordinate) => view.announcement(coordinate!.pubkey, coordinate!.identifier)?.listsService === true)
      .map((coordinate) => ({ owner: coordinate!.pubkey, identifier: coordinate!.identifier }));
    const tip = tagValue(event, "c");
    return { targets, objects: tip === undefined ? [] : [tip] };
  }
  return { targets: [], objects: [] };
}

export async function gatherGitFacts(event: NostrEvent, view: AcceptedView, context: GitFactsContext): Promise<GitFacts> {
  const { targets, objects } = targetsOf(event, view, context);
  if (targets.length === 0) return noGitFacts;
  const repositories: RepositoryFacts[] = [];
  for (const { owner, identifier } of targets) {
    if (repositoryIdentifierProblem(identifier) !== undefined) continue;
    const path = repositoryPath(context.gitRoot, owner, identifier);
    const exists = existsSync(path);
    repositories.push({
      repository: repositoryName(owner, identifier),
      owner,
      hasData: exists && event.kind === kinds.RepositoryAnnouncement && (await readBranchesAndTags(path)).size > 0,
      missingObjects: exists ? await context.objects.missingObjects(path, objects) : objects,
      nostrRef: exists && pullRequestKinds.has(event.kind) ? await context.objects.nostrRef(path, event.id) : undefined,
    });
  }
  return { repositories };
}
