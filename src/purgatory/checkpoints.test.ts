import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { checkpointInBackground } from "./checkpoints.js";
import { storeFixture } from "./store-fixture.js";

const stores = storeFixture("checkpoints");

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 15_000; !condition(); await sleep(20)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
  }
}

const autoCheckpoint = (db: Parameters<typeof checkpointInBackground>[0]) => db.pragma("wal_autocheckpoint", { simple: true }) as number;

describe("checkpointInBackground", () => {
  it("takes SQLite's checkpoints off the connection and copies the WAL back from a worker thread", async () => {
    const { db, path } = stores.fresh();
    db.exec("CREATE TABLE filler (value TEXT)");
    const checkpoints = checkpointInBackground(db);
    try {
      await waitFor(() => autoCheckpoint(db) === 0, "the worker runs and the connection no longer checkpoints");
      const insert = db.prepare("INSERT INTO filler (value) VALUES (?)");
      for (let row = 0; row < 300; row++) insert.run("x".repeat(4000));
      const databaseBytes = () => statSync(path).size;
      // 300 rows of 4 KB are in the WAL; the worker's checkpoint moves them into the database file.
      await waitFor(() => databaseBytes() > 300 * 4000, "the database file holds the rows");
    } finally {
      await checkpoints.close();
    }
    assert.equal(autoCheckpoint(db), 1000, "SQLite's own checkpoints are back once it stops");
  });
});
