// Reads a bare repository's object store and refs directly, for the question asked on every
// state and PR event: "are these objects here, and where does refs/nostr/<id> point?". A
// loose object is a file; a packed one is found by binary search in the pack's .idx (version
// 2), read with a few small reads. No process starts, however many repositories are hosted.
// Layouts this does not read (alternates, a multi-pack index without .idx files) say so, and
// the caller asks `git cat-file` instead.

import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";

/** Whether the object is in the repository; undefined when this repository's layout is not one we read. */
export function hasObject(repository: string, oid: string, indexes: PackIndexes): boolean | undefined {
  const objects = join(repository, "objects");
  if (existsSync(join(objects, "info", "alternates"))) return undefined;
  if (existsSync(join(objects, oid.slice(0, 2), oid.slice(2)))) return true;
  let entries: string[];
  try {
    entries = readdirSync(join(objects, "pack"));
  } catch {
    return false; // no pack directory (or no repository): nothing packed
  }
  const idxNames = entries.filter((name) => name.endsWith(".idx"));
  const packs = entries.filter((name) => name.endsWith(".pack")).length;
  if (packs > idxNames.length) return undefined;
  const wanted = Buffer.from(oid, "hex");
  return idxNames.some((name) => indexes.has(join(objects, "pack", name), wanted));
}

const idxMagic = Buffer.from([0xff, 0x74, 0x4f, 0x63]);
/** Header and fanout table of a version 2 pack index. */
const idxHeadBytes = 8 + 256 * 4;

interface OpenIndex {
  fd: number;
  /** fanout[i]: how many objects have a first byte <= i; undefined when the file is no v2 index. */
  fanout: Uint32Array | undefined;
}

/**
 * Pack indexes opened once and kept, the least recently used closed past `capacity`. A pack
 * is named after its content's hash, so a file of that name never changes; a repack makes new
 * names (the directory listing, read on every look-up, no longer shows the old ones).
 */
export interface PackIndexes {
  has(path: string, wanted: Buffer): boolean;
  close(): void;
}

export interface PackIndexOptions {
  capacity?: number;
  /** A fanout bucket up to this many names is read at once and searched in memory; a larger one is searched on disk. */
  bucketReadLimit?: number;
}

export function packIndexes({ capacity = 256, bucketReadLimit = 512 }: PackIndexOptions = {}): PackIndexes {
  const open = new Map<string, OpenIndex>();

  const openIndex = (path: string): OpenIndex | undefined => {
    const cached = open.get(path);
    if (cached !== undefined) {
      open.delete(path);
      open.set(path, cached);
      return cached;
    }
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch {
      return undefined; // removed by a repack meanwhile: its objects are in the new pack
    }
    const head = Buffer.alloc(idxHeadBytes);
    const complete = readSync(fd, head, 0, idxHeadBytes, 0) === idxHeadBytes;
    const isV2 = complete && head.subarray(0, 4).equals(idxMagic) && head.readUInt32BE(4) === 2;
    const fanout = isV2 ? Uint32Array.from({ length: 256 }, (_, byte) => head.readUInt32BE(8 + byte * 4)) : undefined;
    const index = { fd, fanout };
    open.set(path, index);
    if (open.size > capacity) {
      const [oldestPath, oldest] = open.entries().next().value as [string, OpenIndex];
      open.delete(oldestPath);
      closeSync(oldest.fd);
    }
    return index;
  };

  return {
    has(path, wanted) {
      const index = openIndex(path);
      if (index?.fanout === undefined) return false;
      const first = wanted[0]!;
      let low = first === 0 ? 0 : index.fanout[first - 1]!;
      let high = index.fanout[first]!;
      const size = wanted.length;
      if (high - low <= bucketReadLimit) {
        const bucket = Buffer.alloc((high - low) * size);
        readSync(index.fd, bucket, 0, bucket.length, idxHeadBytes + low * size);
        return searchNames(bucket, wanted);
      }
      const candidate = Buffer.alloc(size);
      while (low < high) {
        const middle = (low + high) >>> 1;
        readSync(index.fd, candidate, 0, size, idxHeadBytes + middle * size);
        const order = candidate.compare(wanted);
        if (order === 0) return true;
        if (order < 0) low = middle + 1;
        else high = middle;
      }
      return false;
    },
    close() {
      for (const index of open.values()) closeSync(index.fd);
      open.clear();
    },
  };
}

/** Binary search in sorted object names read into memory. */
function searchNames(names: Buffer, wanted: Buffer): boolean {
  let low = 0;
  let high = names.length / wanted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    // The name at `middle` against the wanted one, as candidate.compare(wanted) above.
    const order = names.compare(wanted, 0, wanted.length, middle * wanted.length, (middle + 1) * wanted.length);
    if (order === 0) return true;
    if (order < 0) low = middle + 1;
    else high = middle;
  }
  return false;
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
