// The README's walkthrough (examples/walkthrough.mjs) works against `grasp-purgatory dev`.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { cliPath, projectRoot } from "../src/paths.js";
import { startDevServerProcess } from "./support/dev-server.js";

describe("README walkthrough", () => {
  it("announces, publishes a state, pushes, finds the state served and clones", async () => {
    const server = await startDevServerProcess();
    const { stdout } = await promisify(execFile)(process.execPath, [join(projectRoot, "examples", "walkthrough.mjs"), server.httpUrl]);
    assert.match(stdout, /kind 30617: OK true "purgatory: won't be served until git data arrives"/);
    assert.match(stdout, /kind 30618: OK true "purgatory: won't be served until git data arrives"/);
    assert.match(stdout, /the state is served right after the push/);
    assert.match(stdout, /4\. cloned: main is at [0-9a-f]{8}/);

    // The server prints, and writes, the config the operator CLI needs to look at it.
    const configPath = join(server.dataDir, "config.json");
    assert.match(server.stdout(), new RegExp(`operator: +grasp-purgatory --config ${configPath} list`));
    const cli = (...args: string[]) => promisify(execFile)(process.execPath, [cliPath, "--config", configPath, ...args]);
    const doctor = await cli("doctor", "--json");
    assert.equal((JSON.parse(doctor.stdout) as { ok: boolean }).ok, true, doctor.stdout);
    const stats = JSON.parse((await cli("stats", "--json")).stdout) as { total: number; totals: { released: number } };
    assert.equal(stats.total, 0);
    assert.equal(stats.totals.released, 2);
  });
});
