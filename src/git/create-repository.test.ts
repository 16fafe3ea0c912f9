import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createRepository, ownerDirectoryMode } from "./create-repository.js";

const root = mkdtempSync(join(tmpdir(), "grasp-create-repository-test-"));
after(() => rmSync(root, { recursive: true, force: true }));

const hooks = { hooksDir: "/opt/grasp-purgatory/hooks", environment: { GRASP_PURGATORY_GIT_ROOT: root } };

/** Every directory under `path`, itself included. */
function directories(path: string): string[] {
  return [path, ...readdirSync(path, { withFileTypes: true }).filter((entry) => entry.isDirectory()).flatMap((entry) => directories(join(path, entry.name)))];
}

describe("createRepository", () => {
  it("makes a shared repository, group-writable and setgid whatever the umask, in a setgid owner directory", async () => {
    const previous = process.umask(0o077);
    try {
      const path = join(root, "npub1owner", "demo.git");
      await createRepository(path, hooks);
      assert.equal(statSync(join(root, "npub1owner")).mode & 0o7777, ownerDirectoryMode);
      const config = (key: string) => execFileSync("git", ["--git-dir", path, "config", "--get", key], { encoding: "utf8" }).trim();
      assert.equal(config("core.sharedRepository"), "1", "group");
      assert.equal(config("http.receivepack"), "true");
      for (const dir of directories(path)) assert.equal(statSync(dir).mode & 0o2070, 0o2070, `${dir} is group-writable and setgid`);
      assert.equal(statSync(join(path, "HEAD")).mode & 0o060, 0o060, "files too");
    } finally {
      process.umask(previous);
    }
  });

  it("is safe to run again on an existing repository", async () => {
    const path = join(root, "npub1again", "demo.git");
    await createRepository(path, hooks);
    await createRepository(path, hooks);
    assert.equal(statSync(join(path, "hooks", "pre-receive")).mode & 0o755, 0o755);
  });
});
