// What both hooks need to know about the pushed repository: who owns it, the maintainer set,
// the held states of that set and the newest accepted one.

import { resolve } from "node:path";
import type { Config } from "../config.js";
import { databasePath } from "../config.js";
import { GraspError } from "../errors.js";
import { repositoryOfPath } from "../git/repository-path.js";
import { acceptedIndex } from "../purgatory/accepted-index.js";
import type { AcceptedIndex } from "../purgatory/accepted-index.js";
import { openDatabase } from "../purgatory/database.js";
import type { Db } from "../purgatory/database.js";
import { deletions } from "../purgatory/deletions.js";
import { purgatory } from "../purgatory/held-events.js";
import { serverView } from "../purgatory/server-view.js";
import { repositoryStates } from "../purgatory/repository-states.js";
import type { RepositoryStates } from "../purgatory/repository-states.js";
import type { Purgatory } from "../purgatory/held-events.js";

export interface RepositoryContext extends RepositoryStates {
  path: string;
  owner: string;
  identifier: string;
  db: Db;
  index: AcceptedIndex;
  purgatory: Purgatory;
}

/** git runs hooks inside the repository; GIT_DIR names it when set. */
export function openRepositoryContext(config: Config): RepositoryContext {
  const path = resolve(process.env.GIT_DIR ?? ".");
  const repository = repositoryOfPath(config.gitRoot, path);
  if (repository === undefined) {
    throw new GraspError(`${path} is not a repository under the git root ${config.gitRoot} (<npub>/<d>.git); check the gitRoot setting`);
  }
  const db = openDatabase(databasePath(config));
  const index = acceptedIndex(db);
  const held = purgatory(db);
  const view = serverView(index, held, deletions(db));
  return { path, ...repository, db, index, purgatory: held, ...repositoryStates(view, index, held, repository.owner, repository.identifier) };
}
