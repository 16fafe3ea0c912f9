import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { GraspError } from "../errors.js";
import { applyWrites, contentHash, planWrites, readCurrent, readManifest } from "./write-files.js";

const out = mkdtempSync(join(tmpdir(), "grasp-write-files-test-"));
after(() => rmSync(out, { recursive: true, force: true }));

describe("planWrites", () => {
  const file = { path: "/etc/x.conf", content: "new\n", mode: 0o644 };
  const plan = (current: string | undefined, manifest: Record<string, string>, force = false) =>
    planWrites([file], () => current, manifest, { out: "/stage", force })[0]!;

  it("creates a missing file and leaves an identical one", () => {
    assert.equal(plan(undefined, {}).action, "create");
    assert.equal(plan("new\n", {}).action, "unchanged");
    assert.equal(plan(undefined, {}).target, "/stage/etc/x.conf");
  });

  it("updates a file that is still what deploy last wrote", () => {
    assert.equal(plan("old\n", { "/etc/x.conf": contentHash("old\n") }).action, "update");
  });

  it("refuses a file changed since (or never written by deploy), unless forced", () => {
    assert.equal(plan("edited\n", { "/etc/x.conf": contentHash("old\n") }).action, "conflict");
    assert.equal(plan("someone else's\n", {}).action, "conflict");
    assert.equal(plan("edited\n", { "/etc/x.conf": contentHash("old\n") }, true).action, "overwrite");
  });
});

describe("applyWrites", () => {
  const manifestPath = join(out, "manifest.json");

  it("writes files with their modes and records them; a second deploy updates what it wrote", () => {
    const files = [
      { path: "/a/config.json", content: "{}\n", mode: 0o644 },
      { path: "/a/wrapper", content: "#!/bin/sh\n", mode: 0o755 },
    ];
    applyWrites(planWrites(files, readCurrent, readManifest(manifestPath), { out, force: false }), manifestPath, readManifest(manifestPath), "deploy");
    assert.equal(readFileSync(join(out, "a/config.json"), "utf8"), "{}\n");
    assert.equal(statSync(join(out, "a/wrapper")).mode & 0o777, 0o755);
    const changed = [{ ...files[0]!, content: `{"x":1}\n` }, files[1]!];
    const plans = planWrites(changed, readCurrent, readManifest(manifestPath), { out, force: false });
    assert.deepEqual(plans.map((plan) => plan.action), ["update", "unchanged"]);
    applyWrites(plans, manifestPath, readManifest(manifestPath), "deploy");
    assert.equal(readFileSync(join(out, "a/config.json"), "utf8"), `{"x":1}\n`);
  });

  it("writes nothing when one file was edited, and names it", () => {
    writeFileSync(join(out, "a/config.json"), "edited by the operator\n");
    const files = [
      { path: "/a/config.json", content: "{}\n", mode: 0o644 },
      { path: "/a/new-file", content: "new\n", mode: 0o644 },
    ];
    const plans = planWrites(files, readCurrent, readManifest(manifestPath), { out, force: false });
    assert.throws(
      () => applyWrites(plans, manifestPath, readManifest(manifestPath), "grasp-purgatory deploy"),
      (error: unknown) => error instanceof GraspError && error.message.includes(join(out, "a/config.json")) && error.message.includes("--force"),
    );
    assert.equal(readCurrent(join(out, "a/new-file")), undefined, "nothing was written");
    assert.equal(readFileSync(join(out, "a/config.json"), "utf8"), "edited by the operator\n");
  });
});
