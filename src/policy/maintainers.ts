// GRASP-01 maintainer sets: the owner, their announcement's maintainers and, recursively,
// the maintainers each maintainer lists in their own announcement of the same `d`.
// Not symmetric (being listed does not list back), and cycles are walked once.

import type { KnownAnnouncement } from "./view.js";

export type AnnouncementLookup = (pubkey: string) => Pick<KnownAnnouncement, "maintainers"> | undefined;

export function maintainerSet(owner: string, announcementOf: AnnouncementLookup): Set<string> {
  const members = new Set([owner]);
  const toVisit = [owner];
  for (let pubkey = toVisit.pop(); pubkey !== undefined; pubkey = toVisit.pop()) {
    for (const maintainer of announcementOf(pubkey)?.maintainers ?? []) {
      if (members.has(maintainer)) continue;
      members.add(maintainer);
      toVisit.push(maintainer);
    }
  }
  return members;
}

/** The owners (of hosted announcements for `d`) whose maintainer set includes `author`. */
export function ownersAuthorising(
  author: string,
  identifier: string,
  announcementsWithIdentifier: (identifier: string) => KnownAnnouncement[],
): string[] {
  const { announcements, byOwner } = announcementsOf(identifier, announcementsWithIdentifier);
  return announcements
    .filter((announcement) => announcement.listsService)
    .filter((announcement) => maintainerSet(announcement.owner, byOwner).has(author))
    .map((announcement) => announcement.owner);
}

/** The announcements of one `d` with a look-up by owner, as maintainerSet reads them. */
function announcementsOf(identifier: string, announcementsWithIdentifier: (identifier: string) => KnownAnnouncement[]) {
  const announcements = announcementsWithIdentifier(identifier);
  const owners = new Map(announcements.map((announcement) => [announcement.owner, announcement]));
  return { announcements, byOwner: (pubkey: string) => owners.get(pubkey) };
}

/**
 * The owners a state of `author` is authoritative for, most trusted first: the author's own
 * repository, then owners the author lists (recursively) as maintainers, then the rest by the
 * age of their announcement. Anyone can publish an announcement naming the author as a
 * maintainer, so the work one state causes is capped by taking the first few of this order.
 */
export function ownersInTrustOrder(
  author: string,
  identifier: string,
  announcementsWithIdentifier: (identifier: string) => KnownAnnouncement[],
): string[] {
  const { announcements, byOwner } = announcementsOf(identifier, announcementsWithIdentifier);
  const trusted = maintainerSet(author, byOwner);
  const rank = (owner: string) => (owner === author ? 0 : trusted.has(owner) ? 1 : 2);
  return ownersAuthorising(author, identifier, () => announcements).sort(
    (a, b) => rank(a) - rank(b) || byOwner(a)!.createdAt - byOwner(b)!.createdAt || (a < b ? -1 : 1),
  );
}
