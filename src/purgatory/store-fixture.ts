// Real SQLite stores for unit tests: files in one temp dir, closed and removed when the
// test file ends.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { openDatabase } from "./database.js";
import type { Db, OpenStoreOptions } from "./database.js";

export interface StoreFixture {
  root: string;
  /** A path no test has used yet, in a directory of its own. */
  freshPath(name?: string): string;
  open(path: string, options?: OpenStoreOptions): Db;
  /** A new store and its path (to reopen it). */
  fresh(): { db: Db; path: string };
}

export function storeFixture(prefix: string): StoreFixture {
  const root = mkdtempSync(join(tmpdir(), `grasp-${prefix}-test-`));
  const opened: Db[] = [];
  after(() => {
    for (const db of opened) if (db.open) db.close();
    rmSync(root, { recursive: true, force: true });
  });
  let counter = 0;
  const freshPath = (name = "store.sqlite") => join(root, `case-${(counter += 1)}`, name);
  const open = (path: string, options?: OpenStoreOptions) => {
    const db = openDatabase(path, options);
    opened.push(db);
    return db;
  };
  return {
    root,
    freshPath,
    open,
    fresh: () => {
      const path = freshPath();
      return { db: open(path), path };
    },
  };
}
