// Whether a user may read, write or enter a path, decided from the file modes as the kernel
// does (owner bits for the owner, else group bits for a member, else the others' bits), so
// that `doctor` can answer for both users of the deployment while it runs as one of them.

import { statSync } from "node:fs";
import { dirname } from "node:path";

export interface Ownership {
  uid: number;
  gid: number;
  /** st_mode; only the permission bits are read. */
  mode: number;
}

export interface Identity {
  uid: number;
  /** The primary group and every supplementary one. */
  gids: readonly number[];
}

/** Letters of `rwx`. */
export type Want = "r" | "w" | "x" | "rw" | "rx" | "wx" | "rwx";

const bit = { r: 4, w: 2, x: 1 } as const;

export function permits(identity: Identity, file: Ownership, want: Want): boolean {
  // Root may do anything we ask of a directory or a store file.
  if (identity.uid === 0) return true;
  const shift = identity.uid === file.uid ? 6 : identity.gids.includes(file.gid) ? 3 : 0;
  const granted = (file.mode >> shift) & 7;
  return [...want].every((letter) => (granted & bit[letter as keyof typeof bit]) !== 0);
}

export type StatOf = (path: string) => Ownership | undefined;

export const statOf: StatOf = (path) => {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
};

/** Why `identity` cannot get `want` on `path` (a parent it cannot enter, or the file itself); undefined when it can. */
export function accessProblem(identity: Identity, path: string, want: Want, stat: StatOf = statOf): { path: string; want: Want; owner: Ownership | undefined } | undefined {
  const parents: string[] = [];
  for (let parent = dirname(path); parent !== dirname(parent); parent = dirname(parent)) parents.unshift(parent);
  parents.unshift("/");
  for (const parent of parents) {
    const owner = stat(parent);
    if (owner === undefined || !permits(identity, owner, "x")) return { path: parent, want: "x", owner };
  }
  const owner = stat(path);
  if (owner === undefined || !permits(identity, owner, want)) return { path, want, owner };
  return undefined;
}

export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
}
