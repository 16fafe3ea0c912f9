import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ExitCode, GraspError } from "../errors.js";
import { currentSchemaVersion, migrate, schemaVersion } from "./database.js";
import type { Db } from "./database.js";
import { migrations } from "./migrations.js";
import { storeFixture } from "./store-fixture.js";

const stores = storeFixture("db");
const { root, freshPath } = stores;
const openAt = stores.open;

const tables = (db: Db) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((row) => row.name);

function assertUnavailable(run: () => unknown, path: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof GraspError, `expected a GraspError, got ${String(error)}`);
    assert.equal(error.exitCode, ExitCode.unavailable);
    assert.ok(error.message.includes(path), error.message);
    assert.match(error.message, /dataDir/);
    return true;
  });
}

describe("openDatabase", () => {
  it("creates the file and its missing directories, in WAL mode, with every migration applied", () => {
    const path = freshPath("deep/er/store.sqlite");
    const db = openAt(path);
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(db.pragma("busy_timeout", { simple: true }), 5000);
    assert.equal(db.pragma("foreign_keys", { simple: true }), 1);
    assert.equal(schemaVersion(db), currentSchemaVersion);
    assert.equal(currentSchemaVersion, migrations.length);
    for (const table of ["accepted_events", "accepted_announcements", "accepted_state_events", "event_references", "deletions", "jobs"]) assert.ok(tables(db).includes(table), table);
  });

  it("opens the same file again without re-running migrations or losing data", () => {
    const path = freshPath();
    const first = openAt(path);
    first.prepare("INSERT INTO accepted_events (id, kind, pubkey, created_at, coordinate) VALUES ('x', 1, 'p', 1, NULL)").run();
    first.close();
    const second = openAt(path);
    const third = openAt(path);
    assert.equal(schemaVersion(second), currentSchemaVersion);
    assert.equal(schemaVersion(third), currentSchemaVersion);
    assert.deepEqual(second.prepare("SELECT id FROM accepted_events").all(), [{ id: "x" }]);
  });

  it("migrate is idempotent on an open store", () => {
    const db = openAt(freshPath());
    migrate(db);
    migrate(db);
    assert.equal(schemaVersion(db), currentSchemaVersion);
  });

  it("leaves the schema alone when asked not to migrate, and migrates later on demand", () => {
    const db = openAt(freshPath(), { migrate: false });
    assert.equal(schemaVersion(db), 0);
    assert.deepEqual(tables(db), []);
    migrate(db);
    assert.equal(schemaVersion(db), currentSchemaVersion);
  });

  it("does not touch a store that is ahead of this code", () => {
    const path = freshPath();
    const db = openAt(path);
    db.pragma(`user_version = ${currentSchemaVersion + 5}`);
    db.close();
    assert.equal(schemaVersion(openAt(path)), currentSchemaVersion + 5);
  });

  it("names the path and the dataDir setting when the store cannot be opened", () => {
    const directory = join(root, "a-directory");
    mkdirSync(directory);
    assertUnavailable(() => openAt(directory), directory);
  });

  it(
    "names the path and the dataDir setting when the file is not a SQLite database",
    () => {
      const path = freshPath("garbage.sqlite");
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, "this is not a sqlite file, ".repeat(100));
      assertUnavailable(() => openAt(path), path);
    },
  );

  it(
    "names the path and the dataDir setting when its directory cannot be created",
    () => {
      const file = join(root, "a-file");
      writeFileSync(file, "");
      const path = join(file, "data", "store.sqlite");
      assertUnavailable(() => openAt(path), file);
    },
  );
});
