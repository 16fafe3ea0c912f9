import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { loadConfig } from "../config.js";
import { ConfigError } from "../errors.js";
import { planDeployment } from "./deployment.js";
import type { DeploymentOptions } from "./deployment.js";
import { exampleDeploymentOptions } from "./deployment-fixture.js";
import { renderDeployment } from "./render.js";

const options: DeploymentOptions = { ...exampleDeploymentOptions, relayName: "Example GRASP", relayDescription: `Git over nostr, "for everyone"` };

function refused(changes: Partial<DeploymentOptions>, message: RegExp): void {
  assert.throws(() => planDeployment({ ...options, ...changes }), (error: unknown) => error instanceof ConfigError && message.test(error.message));
}

describe("planDeployment", () => {
  it("with TLS: https and wss on the bare host, port 443", () => {
    const deployment = planDeployment(options);
    assert.equal(deployment.serviceHost, "git.example.com");
    assert.equal(deployment.publicUrl, "https://git.example.com");
    assert.equal(deployment.relayUrl, "wss://git.example.com");
    assert.equal(deployment.listenPort, 443);
    assert.equal(deployment.strfryUrl, "ws://127.0.0.1:7778");
    assert.equal(deployment.paths.configPath, "/etc/grasp-purgatory.json");
    assert.equal(deployment.paths.gitRoot, "/var/lib/grasp/git");
    assert.equal(deployment.paths.fcgiwrapSocket, "/run/grasp-fcgiwrap.sock");
  });

  it("without TLS, or on another port, the port is part of the service host", () => {
    assert.equal(planDeployment({ ...options, tls: undefined }).publicUrl, "http://git.example.com");
    const local = planDeployment({ ...options, tls: undefined, host: "127.0.0.1", port: 8080, prefix: "/srv/try" });
    assert.equal(local.serviceHost, "127.0.0.1:8080");
    assert.equal(local.relayUrl, "ws://127.0.0.1:8080");
    assert.equal(local.paths.gitRoot, "/srv/try/var/lib/grasp/git");
    assert.equal(planDeployment({ ...options, port: 8443 }).publicUrl, "https://git.example.com:8443");
  });

  it("refuses paths with spaces, one user for both, and strfry on nginx's port", () => {
    refused({ prefix: "/srv/my grasp" }, /--prefix "\/srv\/my grasp" must be an absolute path/);
    refused({ cli: "/home/me/my code/bin/grasp-purgatory" }, /the grasp-purgatory CLI/);
    refused({ prefix: "relative" }, /must be an absolute path/);
    refused({ gitUser: "grasp-relay" }, /--strfry-user and --git-user are both grasp-relay/);
    refused({ group: "a group" }, /--group "a group" is not a user or group name/);
    refused({ tls: undefined, port: 7778 }, /nginx and strfry would both listen on port 7778/);
    refused({ host: "https://git.example.com" }, /serviceHost/);
  });
});

describe("renderDeployment", () => {
  for (const [label, changes] of [
    ["TLS", {}],
    ["plain HTTP on a port, with the import sink and NIP-11 contact", { tls: undefined, port: 8080, bind: "127.0.0.1", ipv6: false, releaseSink: "import", relayContact: "ops@example.com", relayPubkey: "a".repeat(64) }],
  ] as [string, Partial<DeploymentOptions>][]) {
    it(`renders every template (${label}) with no placeholder left, and a config our loader reads`, () => {
      const deployment = planDeployment({ ...options, ...changes });
      const files = renderDeployment(deployment, { stack: true });
      for (const file of files) assert.doesNotMatch(file.content, /\{\{|\}\}/, file.path);
      const configText = files.find((file) => file.path === deployment.paths.configPath)!.content;
      const config = JSON.parse(configText) as Record<string, string>;
      const configPath = join(mkdtempSync(join(tmpdir(), "grasp-deployment-test-")), "grasp-purgatory.json");
      writeFileSync(configPath, configText);
      const loaded = loadConfig({ configPath, env: {}, defaultConfigFiles: [] });
      assert.equal(loaded.publicUrl, deployment.publicUrl);
      assert.equal(loaded.relayUrl, deployment.strfryUrl, "the policy follows strfry's own port, not nginx");
      assert.deepEqual(loaded.accounts, { strfryUser: "grasp-relay", gitUser: "grasp-git", group: "grasp" });
      assert.deepEqual(loaded.releaseSink, changes.releaseSink === "import" ? { kind: "import", command: `/usr/local/bin/strfry --config ${deployment.paths.strfryConfigPath} import` } : { kind: "websocket" });
      rmSync(dirname(configPath), { recursive: true });
      const nip11 = JSON.parse(files.find((file) => file.path.endsWith("relay-information.json"))!.content) as Record<string, unknown>;
      assert.deepEqual(nip11.supported_grasps, ["GRASP-01"]);
      assert.equal(nip11.description, options.relayDescription);
      assert.equal(nip11.contact, changes.relayContact);
      assert.match(nip11.repo_acceptance_criteria as string, new RegExp(`${deployment.publicUrl.replaceAll(".", "\\.")}/<npub>/<d>\\.git`));
      assert.equal(config.publicUrl, deployment.publicUrl);
      assert.equal(config.releaseSink, changes.releaseSink ?? "websocket");
      assert.equal(files.find((file) => file.path === deployment.paths.policyWrapperPath)!.mode, 0o755);
    });
  }
});
