// GRASP-01: a server hosts only the repositories whose announcements name it, in both the
// `clone` and the `relays` tags. An announcement that does not name us is still accepted from
// the owner or a maintainer of a repository we host with the same `d`, so that the
// maintainer graph (which drives push authorisation) stays complete.

import * as kinds from "nostr-tools/kinds";
import type { ServiceAddress } from "../config.js";
import { formatServiceHost } from "../config.js";
import { npubOf, readAnnouncement } from "../nostr/nip34.js";
import type { Announcement } from "../nostr/nip34.js";
import { ownersAuthorising } from "./maintainers.js";
import type { Rule } from "./rule.js";
import { isOurCloneUrl, isOurRelayUrl } from "./service-urls.js";
import { accept, reject } from "./verdict.js";

export interface AnnouncementListsServiceOptions {
  service: ServiceAddress;
}

/** Which of the two required listings this announcement lacks (empty when it lists us). */
export function missingServiceListings(announcement: Announcement, service: ServiceAddress): string[] {
  const host = formatServiceHost(service);
  const ownerNpub = npubOf(announcement.owner);
  const missing: string[] = [];
  if (!announcement.cloneUrls.some((url) => isOurCloneUrl(url, service, ownerNpub, announcement.identifier))) {
    missing.push(`a clone URL http(s)://${host}/${ownerNpub}/${encodeURIComponent(announcement.identifier)}.git`);
  }
  if (!announcement.relayUrls.some((url) => isOurRelayUrl(url, service))) {
    missing.push(`a relay URL ws(s)://${host}`);
  }
  return missing;
}

export function announcementListsService(options: AnnouncementListsServiceOptions): Rule {
  return ({ event, view }) => {
    if (event.kind !== kinds.RepositoryAnnouncement) return accept();
    const announcement = readAnnouncement(event);
    const missing = missingServiceListings(announcement, options.service);
    if (missing.length === 0) return accept();
    const maintainsAHostedRepository =
      ownersAuthorising(event.pubkey, announcement.identifier, (d) => view.announcementsWithIdentifier(d)).length > 0;
    if (maintainsAHostedRepository) return accept();
    return reject(`blocked: announcement does not list this server: add ${missing.join(" and ")}`);
  };
}
