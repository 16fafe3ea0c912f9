import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseServiceHost } from "../config.js";
import { devPaths, hostPort, serviceEnvironment } from "./server.js";

describe("devPaths", () => {
  it("keeps git, the policy's data, the relay's store and the config under one directory", () => {
    assert.deepEqual(devPaths("/srv/grasp"), {
      configPath: "/srv/grasp/config.json",
      gitRoot: "/srv/grasp/git",
      pluginDataDir: "/srv/grasp/data",
      storePath: "/srv/grasp/relay.sqlite",
    });
  });
});

describe("hostPort", () => {
  it("brackets IPv6 hosts so that URLs and the policy's settings parse", () => {
    assert.equal(hostPort("127.0.0.1", 7777), "127.0.0.1:7777");
    assert.equal(hostPort("::1", 7777), "[::1]:7777");
    assert.deepEqual(parseServiceHost(hostPort("::1", 7777)), { hostname: "[::1]", port: 7777 });
  });
});

describe("serviceEnvironment", () => {
  it("overrides inherited settings and keeps everything else", () => {
    const env = serviceEnvironment(
      { PATH: "/bin", GRASP_PURGATORY_GIT_ROOT: "/elsewhere" },
      { hostPort: "127.0.0.1:7777", gitRoot: "/d/git", pluginDataDir: "/d/data", relayUrl: "ws://127.0.0.1:7777" },
    );
    assert.deepEqual(env, {
      PATH: "/bin",
      GRASP_PURGATORY_SERVICE_HOST: "127.0.0.1:7777",
      GRASP_PURGATORY_GIT_ROOT: "/d/git",
      GRASP_PURGATORY_DATA_DIR: "/d/data",
      GRASP_PURGATORY_RELAY_URL: "ws://127.0.0.1:7777",
    });
  });
});
