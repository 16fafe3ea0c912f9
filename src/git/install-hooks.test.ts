import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { hookNames, hookWrapper, installHooks } from "./install-hooks.js";
import type { HookInstallation } from "./install-hooks.js";

const root = mkdtempSync(join(tmpdir(), "grasp-hooks-test-"));
after(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
function freshRepository(): string {
  const repository = join(root, `repo-${(counter += 1)}.git`);
  mkdirSync(join(repository, "hooks"), { recursive: true });
  return repository;
}

const awkward = {
  GRASP_QUOTE: "it's a 'quoted' value",
  GRASP_SPACES: "  two  spaces  ",
  GRASP_SHELL: '$HOME `id` $(id) "double" \\ ; | & * ?',
  GRASP_NEWLINE: "line one\nline two",
  GRASP_EMPTY: "",
};

/** A hooks directory whose scripts print their arguments and the awkward variables, NUL-separated. */
function printingHooksDir(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const hook of hookNames) {
    const path = join(dir, hook);
    const vars = Object.keys(awkward).map((key) => `"$${key}"`).join(" ");
    writeFileSync(path, `#!/bin/sh\nprintf '%s\\0' "${hook}" ${vars} "$@"\n`);
    chmodSync(path, 0o755);
  }
  return dir;
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe("hookWrapper", () => {
  const installation: HookInstallation = { hooksDir: "/opt/grasp/hooks", environment: { B_VAR: "b", A_VAR: "it's" } };

  it("is a sh script that exports the settings in a stable order and execs the project's hook", () => {
    assert.equal(
      hookWrapper("pre-receive", installation),
      [
        "#!/bin/sh",
        "# installed by grasp-purgatory; rewrite with `grasp-purgatory install-hooks`",
        "export A_VAR='it'\\''s'",
        "export B_VAR='b'",
        "exec '/opt/grasp/hooks/pre-receive' \"$@\"",
        "",
      ].join("\n"),
    );
  });

  it("passes every value through /bin/sh unchanged: single quotes, spaces, $, backquotes, newlines, empty", () => {
    const hooksDir = printingHooksDir("hooks dir with 'quotes' and spaces");
    const repository = freshRepository();
    const wrapper = join(repository, "hooks", "post-receive");
    writeFileSync(wrapper, hookWrapper("post-receive", { hooksDir, environment: awkward }), { mode: 0o755 });
    const output = execFileSync(wrapper, ["arg with space", "it's"], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
    assert.deepEqual(output.toString("utf8").split("\0").slice(0, -1), [
      "post-receive",
      ...Object.values(awkward),
      "arg with space",
      "it's",
    ]);
  });
});

describe("installHooks", () => {
  it("writes an executable wrapper for each hook and reports them", async () => {
    const repository = freshRepository();
    const installation: HookInstallation = { hooksDir: "/opt/grasp/hooks", environment: { GRASP_PURGATORY_GIT_ROOT: "/srv/git" } };
    assert.deepEqual(await installHooks(repository, installation), ["pre-receive", "post-receive"]);
    for (const name of hookNames) {
      const path = join(repository, "hooks", name);
      assert.equal(readFileSync(path, "utf8"), hookWrapper(name, installation));
      assert.equal(mode(path), 0o755);
    }
    assert.deepEqual(readdirSync(join(repository, "hooks")).sort(), ["post-receive", "pre-receive"], "no temporary files left");
  });

  it("is idempotent: a second run changes nothing and returns []", async () => {
    const repository = freshRepository();
    const installation: HookInstallation = { hooksDir: "/opt/grasp/hooks", environment: { A: "1" } };
    await installHooks(repository, installation);
    const before = statSync(join(repository, "hooks", "pre-receive")).ino;
    assert.deepEqual(await installHooks(repository, installation), []);
    assert.equal(statSync(join(repository, "hooks", "pre-receive")).ino, before, "the file was not rewritten");
  });

  it("restores the executable bit without counting it as a change", async () => {
    const repository = freshRepository();
    const installation: HookInstallation = { hooksDir: "/opt/grasp/hooks", environment: {} };
    await installHooks(repository, installation);
    chmodSync(join(repository, "hooks", "pre-receive"), 0o644);
    assert.deepEqual(await installHooks(repository, installation), []);
    assert.equal(mode(join(repository, "hooks", "pre-receive")), 0o755);
  });

  it("rewrites wrappers whose settings changed, and replaces foreign hooks", async () => {
    const repository = freshRepository();
    writeFileSync(join(repository, "hooks", "post-receive"), "#!/bin/sh\necho someone else's hook\n");
    await installHooks(repository, { hooksDir: "/opt/grasp/hooks", environment: { A: "1" } });
    const changed = { hooksDir: "/opt/grasp/hooks", environment: { A: "2" } };
    assert.deepEqual(await installHooks(repository, changed), ["pre-receive", "post-receive"]);
    assert.equal(readFileSync(join(repository, "hooks", "post-receive"), "utf8"), hookWrapper("post-receive", changed));
  });
});
