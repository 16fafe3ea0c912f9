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
  const announcements = announcementsWithIdentifier(identifier);
  const byOwner = new Map(announcements.map((announcement) => [announcement.owner, announcement]));
  return announcements
    .filter((announcement) => announcement.listsService)
    .filter((announcement) => maintainerSet(announcement.owner, (pubkey) => byOwner.get(pubkey)).has(author))
    .map((announcement) => announcement.owner);
}
