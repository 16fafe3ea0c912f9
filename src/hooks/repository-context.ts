// What both hooks need to know about the pushed repository: who owns it, the maintainer set,
// the held states of that set and the newest accepted one. The Node hook opens the store for
// it; the daemon, answering a hook over its socket, reads its own open store.

import { resolve } from "node:path";
import type { Config } from "../config.js";
import { databasePath } from "../config.js";
import { GraspError } from "../errors.js";
import { repositoryOfPath } from "../git/repository-path.js";
import type { ServerView } from "../policy/view.js";
import { acceptedIndex } from "../purgatory/accepted-index.js";
import type { AcceptedIndex } from "../purgatory/accepted-index.js";
import { openDatabase } from "../purgatory/database.js";
import type { Db } from "../purgatory/database.js";
import { deletions } from "../purgatory/deletions.js";
import { purgatory } from "../purgatory/held-events.js";
import type { Purgatory } from "../purgatory/held-events.js";
import { repositoryStates } from "../purgatory/repository-states.js";
import type { RepositoryStates } from "../purgatory/repository-states.js";
import { serverView } from "../purgatory/server-view.js";

export interface Stores {
  db: Db;
  index: AcceptedIndex;
  purgatory: Purgatory;
  view: ServerView;
}

export interface RepositoryContext extends RepositoryStates, Stores {
  path: string;
  owner: string;
  identifier: string;
}

/** The repository at `path` (a hook's GIT_DIR), read from `stores`. */
export function repositoryContextIn(config: Config, stores: Stores, path: string): RepositoryContext {
  const repository = repositoryOfPath(config.gitRoot, resolve(path));
  if (repository === undefined) {
    throw new GraspError(`${path} is not a repository under the git root ${config.gitRoot} (<npub>/<d>.git); check the gitRoot setting`);
  }
  const states = repositoryStates(stores.view, stores.index, stores.purgatory, repository.owner, repository.identifier);
  return { path: resolve(path), ...repository, ...stores, ...states };
}

/** git runs hooks inside the repository; GIT_DIR names it when set. */
export function openRepositoryContext(config: Config): RepositoryContext {
  const db = openDatabase(databasePath(config));
  const index = acceptedIndex(db);
  const held = purgatory(db);
  try {
    return repositoryContextIn(config, { db, index, purgatory: held, view: serverView(index, held, deletions(db)) }, process.env.GIT_DIR ?? ".");
  } catch (error) {
    db.close();
    throw error;
  }
}
