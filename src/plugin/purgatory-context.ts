// Everything the policy, the daemon and a daemon-less post-receive work with, opened from the
// settings in one place.

import type { Config } from "../config.js";
import { databasePath } from "../config.js";
import { hookInstallationFor } from "../git/install-hooks.js";
import { objectChecker } from "../git/object-checker.js";
import { buildHoldLimits, buildRules } from "../policy/pipeline.js";
import { acceptedIndex } from "../purgatory/accepted-index.js";
import { openDatabase } from "../purgatory/database.js";
import type { Db } from "../purgatory/database.js";
import { deletions } from "../purgatory/deletions.js";
import { purgatory } from "../purgatory/held-events.js";
import { jobs } from "../purgatory/jobs.js";
import { serverView } from "../purgatory/server-view.js";
import type { ReleaseContext } from "./release.js";
import { releaseSink } from "./release-sink.js";
import { strfryStore } from "./strfry-store.js";

export interface OpenedContext extends ReleaseContext {
  close(): void;
}

/** `db`: a connection to the store already open (a hook's), which the context then owns and closes. */
export function openPurgatoryContext(config: Config, db: Db = openDatabase(databasePath(config))): OpenedContext {
  const objects = objectChecker();
  const index = acceptedIndex(db);
  const held = purgatory(db);
  const deleted = deletions(db);
  return {
    db,
    service: config.service,
    repositoriesPerState: config.limits.repositoriesPerState,
    gitRoot: config.gitRoot,
    hooks: hookInstallationFor(config),
    index,
    purgatory: held,
    deletions: deleted,
    jobs: jobs(db),
    view: serverView(index, held, deleted),
    objects,
    purgatoryTtlSeconds: config.purgatoryTtlSeconds,
    rules: buildRules({ service: config.service }),
    holdLimits: buildHoldLimits(config.limits),
    sink: releaseSink(config.releaseSink, config.relayUrl),
    strfry: strfryStore(config.relayUrl),
    close() {
      objects.close();
      db.close();
    },
  };
}
