// The README's walkthrough (examples/walkthrough.mjs) works against `grasp-purgatory dev`.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { projectRoot } from "../src/paths.js";
import { startDevServerProcess } from "./support/dev-server.js";

describe("README walkthrough", () => {
  it("announces, publishes a state, pushes, finds the state served and clones", async () => {
    const server = await startDevServerProcess();
    const { stdout } = await promisify(execFile)(process.execPath, [join(projectRoot, "examples", "walkthrough.mjs"), server.httpUrl]);
    assert.match(stdout, /kind 30617: OK true "purgatory: won't be served until git data arrives"/);
    assert.match(stdout, /kind 30618: OK true "purgatory: won't be served until git data arrives"/);
    assert.match(stdout, /the state is served right after the push/);
    assert.match(stdout, /4\. cloned: main is at [0-9a-f]{8}/);
  });
});
