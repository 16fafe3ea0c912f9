// Small named values the store keeps about itself, such as how far the follower has seen strfry.

import type { Db } from "./database.js";

export interface Meta {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
}

export function meta(db: Db): Meta {
  const statements = {
    get: db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?"),
    set: db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
    delete: db.prepare("DELETE FROM meta WHERE key = ?"),
  };
  return {
    get: (key) => statements.get.get(key)?.value,
    set: (key, value) => void statements.set.run(key, value),
    delete: (key) => void statements.delete.run(key),
  };
}

/** Unix seconds up to which the follower has seen every event strfry stored. */
export const followCursorKey = "strfry-followed-until";
