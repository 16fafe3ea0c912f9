// Reads a bare repository's object store and refs directly, for the question asked on every
// state and PR event: "are these objects here, and where does refs/nostr/<id> point?". A
// loose object is a file; a packed one is found by binary search in the pack's .idx (version
// 2), read with a few small reads. No process starts, however many repositories are hosted.
// Layouts this does not read (alternates, a multi-pack index without .idx files) say so, and
// the caller asks `git cat-file` instead.

import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";

/** Whether the object is in the repository; undefined when this repository's layout is not one we read. */
export function hasObject(repository: string, oid: string): boolean | undefined {
  const objects = join(repository, "objects");
  if (existsSync(join(objects, "info", "alternates"))) return undefined;
  if (existsSync(join(objects, oid.slice(0, 2), oid.slice(2)))) return true;
  let entries: string[];
  try {
    entries = readdirSync(join(objects, "pack"));
  } catch {
    return false; // no pack directory (or no repository): nothing packed
  }
  const indexes = entries.filter((name) => name.endsWith(".idx"));
  const packs = entries.filter((name) => name.endsWith(".pack")).length;
  if (packs > indexes.length) return undefined;
  const wanted = Buffer.from(oid, "hex");
  return indexes.some((name) => packIndexHas(join(objects, "pack", name), wanted));
}

const idxMagic = Buffer.from([0xff, 0x74, 0x4f, 0x63]);

/** Binary search of one object id in a version 2 pack index. */
function packIndexHas(path: string, wanted: Buffer): boolean {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return false; // removed by a repack meanwhile: its objects are in the new pack
  }
  try {
    const header = Buffer.alloc(8);
    if (readSync(fd, header, 0, 8, 0) !== 8 || !header.subarray(0, 4).equals(idxMagic) || header.readUInt32BE(4) !== 2) return false;
    const fanout = Buffer.alloc(8);
    const first = wanted[0]!;
    // fanout[i] is the number of objects whose first byte is <= i.
    readSync(fd, fanout, 0, 8, 8 + (first === 0 ? 0 : (first - 1) * 4));
    let low = first === 0 ? 0 : fanout.readUInt32BE(0);
    let high = first === 0 ? fanout.readUInt32BE(0) : fanout.readUInt32BE(4);
    const namesAt = 8 + 256 * 4;
    const candidate = Buffer.alloc(wanted.length);
    while (low < high) {
      const middle = (low + high) >>> 1;
      readSync(fd, candidate, 0, wanted.length, namesAt + middle * wanted.length);
      const order = candidate.compare(wanted);
      if (order === 0) return true;
      if (order < 0) low = middle + 1;
      else high = middle;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Refs are files (loose and packed-refs), not a reftable: readRefDirectly can answer. */
export function refsAreFiles(repository: string): boolean {
  return !existsSync(join(repository, "reftable"));
}

/** The object a ref points at (a loose ref file, else packed-refs); undefined when absent. */
export function readRefDirectly(repository: string, ref: string): string | undefined {
  try {
    const value = readFileSync(join(repository, ref), "utf8").trim();
    return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(value) ? value : undefined;
  } catch {
    // not loose: look in packed-refs
  }
  let packed: string;
  try {
    packed = readFileSync(join(repository, "packed-refs"), "utf8");
  } catch {
    return undefined;
  }
  for (const line of packed.split("\n")) {
    const space = line.indexOf(" ");
    if (space > 0 && line.slice(space + 1) === ref) return line.slice(0, space);
  }
  return undefined;
}
