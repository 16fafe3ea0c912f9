// Where loadConfig finds its file when none is named, and the deployment's settings
// (publicUrl, strfryUser, gitUser, group).

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { configFileEnv, defaultConfigFiles, loadConfig, settingsEnvironment } from "./config.js";
import { ConfigError } from "./errors.js";

const root = mkdtempSync(join(tmpdir(), "grasp-config-discovery-"));
after(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
function place(): { dir: string; etc: string; dev: string } {
  const dir = join(root, `case-${(counter += 1)}`);
  mkdirSync(join(dir, "etc"), { recursive: true });
  mkdirSync(join(dir, "work", ".grasp-dev"), { recursive: true });
  return { dir, etc: join(dir, "etc", "grasp-purgatory.json"), dev: join(dir, "work", ".grasp-dev", "config.json") };
}

const settings = (host: string) => JSON.stringify({ serviceHost: host, gitRoot: "/srv/git", dataDir: "/srv/data" });

describe("config file discovery", () => {
  it("looks at /etc/grasp-purgatory.json, then .grasp-dev/config.json in the working directory", () => {
    assert.deepEqual(defaultConfigFiles, ["/etc/grasp-purgatory.json", ".grasp-dev/config.json"]);
  });

  it("reads the first default file that exists when nothing names one", () => {
    const { dir, etc, dev } = place();
    const candidates = [etc, ".grasp-dev/config.json"];
    const cwd = join(dir, "work");
    writeFileSync(dev, settings("dev.example"));
    assert.equal(loadConfig({ env: {}, cwd, defaultConfigFiles: candidates }).configFile, dev);
    assert.equal(loadConfig({ env: {}, cwd, defaultConfigFiles: candidates }).service.hostname, "dev.example");
    writeFileSync(etc, settings("etc.example"));
    const fromEtc = loadConfig({ env: {}, cwd, defaultConfigFiles: candidates });
    assert.equal(fromEtc.configFile, etc);
    assert.equal(fromEtc.service.hostname, "etc.example");
  });

  it("lets the environment override single settings of a discovered file", () => {
    const { etc } = place();
    writeFileSync(etc, settings("etc.example"));
    const config = loadConfig({ env: { GRASP_PURGATORY_RELAY_URL: "ws://127.0.0.1:9999" }, cwd: root, defaultConfigFiles: [etc] });
    assert.equal(config.configFile, etc);
    assert.equal(config.relayUrl, "ws://127.0.0.1:9999");
  });

  it("prefers --config and GRASP_PURGATORY_CONFIG", () => {
    const { etc, dir } = place();
    writeFileSync(etc, settings("etc.example"));
    const named = join(dir, "named.json");
    writeFileSync(named, settings("named.example"));
    assert.equal(loadConfig({ configPath: named, env: {}, cwd: root, defaultConfigFiles: [etc] }).configFile, named);
    assert.equal(loadConfig({ env: { [configFileEnv]: named }, cwd: root, defaultConfigFiles: [etc] }).configFile, named);
  });

  it("reads no default file when the environment gives a required setting: the hooks and dev's plugin carry theirs", () => {
    const { etc } = place();
    writeFileSync(etc, "not json at all");
    const env = { GRASP_PURGATORY_SERVICE_HOST: "env.example", GRASP_PURGATORY_GIT_ROOT: "/g", GRASP_PURGATORY_DATA_DIR: "/d" };
    const config = loadConfig({ env, cwd: root, defaultConfigFiles: [etc] });
    assert.equal(config.configFile, undefined);
    assert.throws(() => loadConfig({ env: { GRASP_PURGATORY_GIT_ROOT: "/g" }, cwd: root, defaultConfigFiles: [etc] }), /setting serviceHost is missing/);
  });

  it("without any file, says which setting is missing", () => {
    assert.throws(() => loadConfig({ env: {}, cwd: root, defaultConfigFiles: [join(root, "absent.json")] }), /setting serviceHost is missing/);
  });
});

describe("the deployment's settings", () => {
  const base = { GRASP_PURGATORY_SERVICE_HOST: "git.example.com", GRASP_PURGATORY_GIT_ROOT: "/g", GRASP_PURGATORY_DATA_DIR: "/d" };

  it("are optional", () => {
    const config = loadConfig({ env: base, defaultConfigFiles: [] });
    assert.equal(config.publicUrl, undefined);
    assert.deepEqual(config.accounts, { strfryUser: undefined, gitUser: undefined, group: undefined });
  });

  it("read publicUrl without a trailing slash, and the users and group", () => {
    const config = loadConfig({
      env: { ...base, GRASP_PURGATORY_PUBLIC_URL: "https://git.example.com/", GRASP_PURGATORY_STRFRY_USER: "grasp-relay", GRASP_PURGATORY_GIT_USER: "grasp-git", GRASP_PURGATORY_GROUP: "grasp" },
      defaultConfigFiles: [],
    });
    assert.equal(config.publicUrl, "https://git.example.com");
    assert.deepEqual(config.accounts, { strfryUser: "grasp-relay", gitUser: "grasp-git", group: "grasp" });
    assert.deepEqual(loadConfig({ env: settingsEnvironment(config), defaultConfigFiles: [] }), config, "they round-trip to the hooks");
  });

  it("refuse a public URL for another host, with a path, or not http(s)", () => {
    const refused = (publicUrl: string, message: RegExp) =>
      assert.throws(() => loadConfig({ env: { ...base, GRASP_PURGATORY_PUBLIC_URL: publicUrl }, defaultConfigFiles: [] }), (error: unknown) => error instanceof ConfigError && message.test(error.message));
    refused("https://other.example.com", /names other\.example\.com, but serviceHost is git\.example\.com/);
    refused("https://git.example.com:8443", /names git\.example\.com:8443, but serviceHost is git\.example\.com/);
    refused("https://git.example.com/git", /without a path/);
    refused("ftp://git.example.com", /without a path/);
    refused("git.example.com", /is not a URL/);
  });

  it("refuse a user name with spaces", () => {
    assert.throws(() => loadConfig({ env: { ...base, GRASP_PURGATORY_GIT_USER: "www data" }, defaultConfigFiles: [] }), /setting gitUser "www data" is not a user or group name/);
  });
});
