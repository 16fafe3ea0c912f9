import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  configFileEnv,
  daemonSocketPath,
  databasePath,
  defaultPurgatoryTtlSeconds,
  formatServiceHost,
  loadConfig,
  parseServiceHost,
  settingsEnvironment,
} from "./config.js";
import { ConfigError, ExitCode } from "./errors.js";

const root = mkdtempSync(join(tmpdir(), "grasp-config-test-"));
after(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** Writes a config file in a fresh directory and returns its path. */
function configFile(contents: unknown): string {
  const dir = join(root, `case-${(counter += 1)}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "grasp.json");
  writeFileSync(path, typeof contents === "string" ? contents : JSON.stringify(contents));
  return path;
}

const fullEnv = {
  GRASP_PURGATORY_SERVICE_HOST: "git.example.com",
  GRASP_PURGATORY_GIT_ROOT: "/srv/git",
  GRASP_PURGATORY_DATA_DIR: "/srv/data",
};

function configError(run: () => unknown, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.exitCode, ExitCode.config);
    assert.match(error.message, message);
    return true;
  });
}

describe("loadConfig", () => {
  it("reads every setting from the environment, with the default TTL", () => {
    const config = loadConfig({ env: fullEnv, cwd: "/work" });
    assert.deepEqual(config.service, { hostname: "git.example.com", port: undefined });
    assert.equal(config.gitRoot, "/srv/git");
    assert.equal(config.dataDir, "/srv/data");
    assert.equal(config.purgatoryTtlSeconds, defaultPurgatoryTtlSeconds);
    assert.equal(config.configFile, undefined);
    assert.equal(defaultPurgatoryTtlSeconds, 1800);
  });

  describe("names a missing setting with its file key and its environment variable", () => {
    const cases: [string, string, string][] = [
      ["serviceHost", "GRASP_PURGATORY_SERVICE_HOST", "git.example.com or 127.0.0.1:7777"],
      ["gitRoot", "GRASP_PURGATORY_GIT_ROOT", "/var/lib/grasp/git"],
      ["dataDir", "GRASP_PURGATORY_DATA_DIR", "/var/lib/grasp/data"],
    ];
    for (const [key, env, example] of cases) {
      it(key, () => {
        const partial: Record<string, string> = { ...fullEnv };
        delete partial[env];
        configError(
          () => loadConfig({ env: partial, cwd: "/work" }),
          new RegExp(
            `^setting ${key} is missing: set "${key}" in the config file \\(--config or ${configFileEnv}\\) or ${env}, e\\.g\\. ${example.replace(/\./g, "\\.")}$`,
          ),
        );
      });
    }

    it("treats an empty environment value as missing", () => {
      configError(() => loadConfig({ env: { ...fullEnv, GRASP_PURGATORY_GIT_ROOT: "" }, cwd: "/work" }), /setting gitRoot is missing/);
    });

    it("treats an empty or null file value as missing", () => {
      const path = configFile({ serviceHost: "git.example.com", gitRoot: "", dataDir: null });
      configError(() => loadConfig({ configPath: path, env: {} }), /setting gitRoot is missing/);
    });
  });

  describe("the purgatory TTL", () => {
    it("accepts a whole number of seconds from the environment or the file", () => {
      assert.equal(loadConfig({ env: { ...fullEnv, GRASP_PURGATORY_TTL_SECONDS: "60" } }).purgatoryTtlSeconds, 60);
      const path = configFile({ purgatoryTtlSeconds: 90 });
      assert.equal(loadConfig({ configPath: path, env: fullEnv }).purgatoryTtlSeconds, 90);
    });

    for (const bad of ["0", "-5", "1.5", "abc", "30m", "Infinity", "NaN"]) {
      it(`rejects ${JSON.stringify(bad)}, naming the setting`, () => {
        configError(
          () => loadConfig({ env: { ...fullEnv, GRASP_PURGATORY_TTL_SECONDS: bad } }),
          new RegExp(`^setting purgatoryTtlSeconds "${bad.replace(".", "\\.")}" must be a whole number of seconds above 0, e\\.g\\. 1800$`),
        );
      });
    }

    it("rejects a TTL of the wrong JSON type in the file", () => {
      const path = configFile({ purgatoryTtlSeconds: true });
      configError(() => loadConfig({ configPath: path, env: fullEnv }), /^setting purgatoryTtlSeconds in .*grasp\.json must be a string or a number, e\.g\. 1800$/);
    });
  });

  describe("paths", () => {
    it("resolves relative paths from the file against the file's directory", () => {
      const path = configFile({ serviceHost: "h", gitRoot: "git", dataDir: "../data" });
      const dir = join(path, "..");
      const config = loadConfig({ configPath: path, env: {}, cwd: "/somewhere/else" });
      assert.equal(config.gitRoot, join(dir, "git"));
      assert.equal(config.dataDir, join(dir, "..", "data"));
      assert.equal(config.configFile, path);
    });

    it("resolves relative paths from the environment against the working directory", () => {
      const path = configFile({ serviceHost: "h", gitRoot: "from-file", dataDir: "from-file-data" });
      const config = loadConfig({
        configPath: path,
        env: { GRASP_PURGATORY_GIT_ROOT: "git", GRASP_PURGATORY_DATA_DIR: "./data/../d" },
        cwd: "/run/strfry",
      });
      assert.equal(config.gitRoot, "/run/strfry/git");
      assert.equal(config.dataDir, "/run/strfry/d");
    });

    it("resolves a relative config path against the working directory, from --config or the environment", () => {
      const path = configFile({ serviceHost: "h", gitRoot: "g", dataDir: "d" });
      const dir = join(path, "..");
      assert.equal(loadConfig({ configPath: "grasp.json", env: {}, cwd: dir }).gitRoot, join(dir, "g"));
      assert.equal(loadConfig({ env: { [configFileEnv]: "grasp.json" }, cwd: dir }).configFile, path);
    });

    it("prefers --config over the environment's config path", () => {
      const chosen = configFile({ serviceHost: "chosen", gitRoot: "/g", dataDir: "/d" });
      const ignored = configFile({ serviceHost: "ignored", gitRoot: "/g", dataDir: "/d" });
      assert.equal(loadConfig({ configPath: chosen, env: { [configFileEnv]: ignored } }).service.hostname, "chosen");
    });

    it("keeps absolute paths as they are", () => {
      const path = configFile({ serviceHost: "h", gitRoot: "/abs/git", dataDir: "/abs/data" });
      const config = loadConfig({ configPath: path, env: {} });
      assert.equal(config.gitRoot, "/abs/git");
      assert.equal(config.dataDir, "/abs/data");
    });
  });

  it("lets each environment variable override the file, one by one", () => {
    const path = configFile({ serviceHost: "file.example.com", gitRoot: "/file/git", dataDir: "/file/data", purgatoryTtlSeconds: 100 });
    const config = loadConfig({ configPath: path, env: { GRASP_PURGATORY_SERVICE_HOST: "env.example.com:8080", GRASP_PURGATORY_TTL_SECONDS: "200" } });
    assert.deepEqual(config.service, { hostname: "env.example.com", port: 8080 });
    assert.equal(config.purgatoryTtlSeconds, 200);
    assert.equal(config.gitRoot, "/file/git");
    assert.equal(config.dataDir, "/file/data");
  });

  describe("a bad config file", () => {
    it("is named when it cannot be read", () => {
      const missing = join(root, "no-such.json");
      configError(() => loadConfig({ configPath: missing, env: fullEnv }), new RegExp(`^cannot read the config file ${missing} \\(ENOENT\\): fix --config or ${configFileEnv}$`));
    });

    it("is named when it is not JSON", () => {
      const path = configFile("{ serviceHost: nope");
      configError(() => loadConfig({ configPath: path, env: fullEnv }), new RegExp(`^the config file ${path} is not valid JSON \\(`));
    });

    for (const [name, text] of [["an array", "[]"], ["a string", '"x"'], ["null", "null"], ["a number", "3"]] as const) {
      it(`is refused when it holds ${name}`, () => {
        const path = configFile(text);
        configError(() => loadConfig({ configPath: path, env: fullEnv }), /must hold a JSON object of settings$/);
      });
    }

    it("is refused when it has unknown keys, listing them and the known ones", () => {
      const path = configFile({ serviceHost: "h", gitroot: "/typo", port: 7777 });
      configError(
        () => loadConfig({ configPath: path, env: fullEnv }),
        /has unknown settings gitroot, port: known ones are serviceHost, gitRoot, dataDir, purgatoryTtlSeconds\b/,
      );
    });

    it("is refused when a setting has the wrong JSON type", () => {
      const path = configFile({ serviceHost: "h", gitRoot: ["/a"], dataDir: "/d" });
      configError(() => loadConfig({ configPath: path, env: {} }), /^setting gitRoot in .* must be a string or a number/);
    });
  });

  it("round-trips through settingsEnvironment, for the hooks", () => {
    for (const serviceHost of ["git.example.com", "127.0.0.1:7777", "[::1]:80"]) {
      const config = loadConfig({ env: { ...fullEnv, GRASP_PURGATORY_SERVICE_HOST: serviceHost, GRASP_PURGATORY_TTL_SECONDS: "42" } });
      assert.deepEqual(loadConfig({ env: settingsEnvironment(config) }), config);
    }
  });

  it("places the database and the socket in the data directory", () => {
    assert.equal(databasePath({ dataDir: "/srv/data" }), "/srv/data/purgatory.sqlite");
    assert.equal(daemonSocketPath({ dataDir: "/srv/data" }), "/srv/data/daemon.sock");
  });
});

describe("parseServiceHost", () => {
  const parsed: [string, string, number | undefined][] = [
    ["git.example.com", "git.example.com", undefined],
    ["Git.Example.COM", "git.example.com", undefined],
    ["127.0.0.1:7777", "127.0.0.1", 7777],
    ["git.example.com:80", "git.example.com", 80],
    ["git.example.com:443", "git.example.com", 443],
    ["[::1]:7777", "[::1]", 7777],
    ["[::1]", "[::1]", undefined],
  ];
  for (const [value, hostname, port] of parsed) {
    it(`reads ${value}`, () => {
      assert.deepEqual(parseServiceHost(value), { hostname, port });
    });
  }

  it("keeps an explicit default port that URL parsing would drop", () => {
    assert.equal(parseServiceHost("git.example.com:80").port, 80);
    assert.equal(formatServiceHost(parseServiceHost("git.example.com:80")), "git.example.com:80");
  });

  const refused: [string, RegExp][] = [
    ["http://git.example.com", /has a scheme/],
    ["https://git.example.com:443", /has a scheme/],
    ["wss://git.example.com", /has a scheme/],
    ["git.example.com/grasp", /has more than a host and port/],
    ["git.example.com:7777/grasp", /has more than a host and port/],
    ["git.example.com?x=1", /has more than a host and port/],
    ["user@git.example.com", /has more than a host and port/],
    ["git.example.com:0", /has a port outside 1-65535/],
    ["git.example.com:65536", /has a port outside 1-65535/],
    ["git example.com", /is not a host name/],
    ["", /is not a host name/],
  ];
  for (const [value, why] of refused) {
    it(`refuses ${JSON.stringify(value)}, saying why and what to give`, () => {
      configError(() => parseServiceHost(value), why);
      configError(() => parseServiceHost(value), /: give the public host\[:port\] only, e\.g\. git\.example\.com or 127\.0\.0\.1:7777$/);
    });
  }

  it(
    "never drops a port it was given (a trailing slash or whitespace either is refused or keeps the port)",
    () => {
      for (const value of ["127.0.0.1:7777/", "127.0.0.1:7777 ", "127.0.0.1:7777\n", "127.0.0.1:7777?"]) {
        let port: number | undefined;
        try {
          port = parseServiceHost(value).port;
        } catch (error) {
          assert.ok(error instanceof ConfigError);
          continue;
        }
        assert.equal(port, 7777, JSON.stringify(value));
      }
    },
  );
});
