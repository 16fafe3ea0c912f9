// The operator commands' access to the store, the git facts and the daemon, from one config.

import { existsSync } from "node:fs";
import type { Config } from "../config.js";
import { databasePath } from "../config.js";
import { ExitCode, GraspError } from "../errors.js";
import { objectChecker } from "../git/object-checker.js";
import type { ObjectChecker } from "../git/object-checker.js";
import { acceptedIndex } from "../purgatory/accepted-index.js";
import type { AcceptedIndex } from "../purgatory/accepted-index.js";
import { openDatabase } from "../purgatory/database.js";
import type { Db } from "../purgatory/database.js";
import { deletions } from "../purgatory/deletions.js";
import { purgatory } from "../purgatory/held-events.js";
import type { Purgatory } from "../purgatory/held-events.js";
import { serverView } from "../purgatory/server-view.js";
import type { ServerView } from "../policy/view.js";

export interface StoreAccess {
  config: Config;
  db: Db;
  index: AcceptedIndex;
  purgatory: Purgatory;
  /** What the rules see: accepted and held announcements, deletions. */
  view: ServerView;
  objects: ObjectChecker;
  close(): void;
}

export function openStore(config: Config): StoreAccess {
  const path = databasePath(config);
  if (!existsSync(path)) {
    throw new GraspError(
      `no store at ${path}: the policy process creates it on its first event; check the dataDir setting (${config.dataDir})`,
      ExitCode.unavailable,
    );
  }
  const db = openDatabase(path);
  const objects = objectChecker();
  const index = acceptedIndex(db);
  const held = purgatory(db);
  return {
    config,
    db,
    index,
    purgatory: held,
    view: serverView(index, held, deletions(db)),
    objects,
    close: () => {
      objects.close();
      db.close();
    },
  };
}

/** Runs a command body with the store open, closing it whatever happens. */
export async function withStore<T>(config: Config, body: (store: StoreAccess) => Promise<T>): Promise<T> {
  const store = openStore(config);
  try {
    return await body(store);
  } finally {
    store.close();
  }
}
