import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { groupMembers, isRunning, launch, parseProcStat, stopProcessGroup } from "./processes.js";

const dir = mkdtempSync(join(tmpdir(), "grasp-processes-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("processes", () => {
  it("reads /proc/<pid>/stat whose command has spaces and parentheses", () => {
    const fields = Array.from({ length: 50 }, (_, index) => String(index));
    fields[0] = "S";
    fields[2] = "4242";
    fields[19] = "987654";
    assert.deepEqual(parseProcStat(`123 (we (ird) name) ${fields.join(" ")}`), { state: "S", processGroup: 4242, startTime: 987654 });
  });

  it("launches a detached process group with the umask, and stops exactly it", async () => {
    const log = openSync(join(dir, "log"), "a");
    const record = await launch({
      name: "sleeper",
      argv: ["/bin/sh", "-c", "sleep 60 & sleep 60"],
      uid: process.getuid!(),
      gid: process.getgid!(),
      umask: 0o027,
      cwd: dir,
      env: { PATH: "/usr/bin:/bin" },
      log,
    });
    closeSync(log);
    assert.ok(isRunning(record));
    assert.equal(isRunning({ ...record, startTime: record.startTime + 1 }), false, "a reused pid is not ours");
    const members = () => groupMembers(record.pid);
    for (let tries = 0; members().length < 2 && tries < 100; tries += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(members().length >= 2, "the process and its child");
    assert.equal(await stopProcessGroup(record, 5000), "stopped");
    assert.deepEqual(members(), []);
    assert.equal(await stopProcessGroup(record, 5000), "not running");
  });
});
