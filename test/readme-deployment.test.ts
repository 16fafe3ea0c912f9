// The README's "Deploying with strfry" section, followed step by step. Its commands are read
// from the README and run as written, with only this machine's differences substituted: the
// stack's directory and port for /srv/grasp-try and 8080, the stack's files for /etc and
// /var/lib/grasp, the test's strfry for /usr/local/bin/strfry, `stack stop`/`stack start` for
// `systemctl stop/start grasp-strfry`, and runuser for sudo -u. Steps that need the internet,
// systemd or port 80 (apt-get, git clone, certbot, systemctl enable) are checked against what
// `deploy` prints instead of being run.

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { NostrEvent } from "nostr-tools";
import { cliPath, projectRoot } from "../src/paths.js";
import { freePort } from "../src/deploy/stack.js";
import { askDaemon } from "../src/plugin/daemon-client.js";
import { connectRelay } from "./support/dev-relay-client.js";
import { workingRepository } from "./support/git-client.js";
import { assertPushed } from "./support/grasp-session.js";
import { hostedRepository, purgatoryAnswer, uniqueIdentifier } from "./support/hosted-repository.js";
import { newIdentity } from "./support/nostr-identity.js";
import { productionStackSkipReason, stackDir, stackLogs } from "./support/production-stack.js";
import { strfryBinary } from "./support/strfry-server.js";
import { tempDir } from "./support/temp-dir.js";

const unavailable = productionStackSkipReason();
const required = process.env.CI === "true";
const skip = unavailable !== undefined && !required ? unavailable : false;

const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Deploying with strfry"), readme.indexOf("### Configuration"));

/** The ```sh blocks of the section, each as its command lines. */
const blocks = [...section.matchAll(/^( *)```sh\n([\s\S]*?)^ *```$/gm)].map((match) =>
  match[2]!
    .split("\n")
    .map((line) => line.slice(match[1]!.length))
    .filter((line) => line.trim() !== ""),
);
function block(first: string): string[] {
  const found = blocks.find((lines) => lines[0]!.startsWith(first));
  assert.ok(found !== undefined, `the README has a block starting with ${first}`);
  return found;
}

const node = process.execPath;
const environment = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("GRASP_PURGATORY_") && key !== "NODE_TEST_CONTEXT"));

interface Ran {
  command: string;
  stdout: string;
  stderr: string;
}

/** Runs README lines after replacing each [from, to] in turn; every one must succeed. */
function follow(lines: readonly string[], substitutions: readonly [string | RegExp, string][], env: Record<string, string> = {}): Ran[] {
  return lines.map((line) => {
    let command = line;
    for (const [from, to] of substitutions) command = command.replaceAll(from, to);
    const result = spawnSync("bash", ["-euo", "pipefail", "-c", command], { cwd: projectRoot, env: { ...environment, ...env }, encoding: "utf8", timeout: 120_000 });
    assert.equal(result.status, 0, `README step failed: ${line}\n(run as: ${command})\n${result.stdout}\n${result.stderr}`);
    return { command, stdout: result.stdout, stderr: result.stderr };
  });
}

describe("README: Deploying with strfry, step by step", () => {
  it("tries the stack, upgrades it, backs it up and restores it, as the README says", { skip, timeout: 240_000 }, async (t) => {
    if (unavailable !== undefined) return assert.fail(`CI=true needs the production stack: ${unavailable}`);
    const dir = stackDir("grasp-readme-");
    const port = await freePort();
    const cli = `${node} ${cliPath}`;
    // Whatever happens, nothing keeps running.
    after(() => spawnSync(node, [cliPath, "stack", "stop", "--dir", dir], { env: environment }));
    try {
      // "Try it first": start, walk through, doctor (the stop comes last).
      const tryIt = block("sudo bin/grasp-purgatory stack start");
      const local: [string, string][] = [
        ["sudo ", ""],
        ["bin/grasp-purgatory", cli],
        ["/srv/grasp-try", dir],
        ["8080", String(port)],
        ["/usr/local/bin/strfry", strfryBinary()],
        ["node examples/", `${node} examples/`],
      ];
      const [started, walked, doctor] = follow(tryIt.slice(0, 3), local);
      assert.match(started!.stdout, new RegExp(`relay: +ws://127\\.0\\.0\\.1:${port}`));
      assert.match(walked!.stdout, /4\. cloned: main is at [0-9a-f]{8}/);
      assert.doesNotMatch(doctor!.stdout, /^FAIL/m);
      assert.match(doctor!.stdout, /^PASS {2}git via nginx: /m);

      const config = join(dir, "etc", "grasp-purgatory.json");
      const strfryPort = new URL((JSON.parse(readFileSync(config, "utf8")) as { relayUrl: string }).relayUrl).port;
      const asDeployed = { GRASP_PURGATORY_CONFIG: config };
      const stackFlags = `--port ${port} --strfry ${strfryBinary()} --strfry-port ${strfryPort}`;
      const onTheStack: [string | RegExp, string][] = [
        ["grasp-purgatory deploy --host git.example.com", `${cli} deploy --host 127.0.0.1 --no-tls --bind 127.0.0.1 --no-ipv6 --prefix ${dir} ${stackFlags}`],
        ["systemctl stop grasp-strfry", `${cli} stack stop --dir ${dir}`],
        ["systemctl start grasp-strfry", `${cli} stack start --dir ${dir} ${stackFlags}`],
        ["sudo -u grasp-relay strfry", `runuser -u grasp-relay -- ${strfryBinary()}`],
        [/^grasp-purgatory /g, `${cli} `],
        ["/usr/local/bin/", `${dir}/usr/local/bin/`],
        ["/etc/grasp-purgatory/", `${dir}/etc/grasp-purgatory/`],
        ["/var/lib/grasp", `${dir}/var/lib/grasp`],
      ];

      // A repository with data, and a state still held, to find again after the restore.
      const relay = await connectRelay(`ws://127.0.0.1:${port}`);
      const server = { httpUrl: `http://127.0.0.1:${port}`, relayUrl: `ws://127.0.0.1:${port}`, serviceHost: `127.0.0.1:${port}`, dataDir: dir, gitRoot: join(dir, "var/lib/grasp/git"), stdout: () => "", stderr: () => "", stop: async () => 0 };
      const repository = hostedRepository(server, newIdentity(), uniqueIdentifier("readme"));
      assert.deepEqual(await relay.publish(repository.announcement()), purgatoryAnswer);
      const work = workingRepository();
      const tip = work.commit("first");
      const state = repository.state({ "refs/heads/main": tip }, { head: "ref: refs/heads/main" });
      assert.deepEqual(await relay.publish(state), purgatoryAnswer);
      assertPushed(work.push(repository.url, "main"));
      const pending = repository.state({ "refs/heads/main": work.commit("not pushed yet") }, { head: "ref: refs/heads/main" });
      assert.deepEqual(await relay.publish(pending), purgatoryAnswer);

      // "Upgrading" (the code is this checkout: no git pull here).
      const upgrade = block("cd /opt/grasp-purgatory && git pull");
      const pidBefore = await daemonPid(dir);
      const [redeployed] = follow(upgrade.slice(1, 3), onTheStack, asDeployed);
      assert.doesNotMatch(redeployed!.stdout, /^(create|update|overwrite) /m, "the same options write nothing new");
      // strfry restarts the policy on its next event after the wrapper's mtime changed.
      assert.deepEqual(await relay.publish(pending), [true, "duplicate: in purgatory"]);
      await waitForDaemon(dir, (pid) => pid !== undefined && pid !== pidBefore);
      const [, doctorAfterUpgrade] = follow(upgrade.slice(3), onTheStack, asDeployed);
      assert.doesNotMatch(doctorAfterUpgrade!.stdout, /^FAIL/m);

      // "Backup", then the data is lost, then "Restore".
      const backups = tempDir("grasp-readme-backups-");
      const withBackups: [string | RegExp, string][] = [["/var/backups/grasp", backups], ...onTheStack];
      follow(block("install -d -m 700 /var/backups/grasp"), withBackups, asDeployed);
      assert.ok(statSync(join(backups, "purgatory.sqlite")).size > 0);
      assert.match(readFileSync(join(backups, "events.jsonl"), "utf8"), new RegExp(state.id));
      const released = statsReleased(config);
      follow(["systemctl stop grasp-strfry"], withBackups, asDeployed);
      for (const file of ["purgatory.sqlite", "purgatory.sqlite-wal", "purgatory.sqlite-shm"]) rmSync(join(dir, "var/lib/grasp/data", file), { force: true });
      follow(block("systemctl stop grasp-strfry"), withBackups, asDeployed);

      const after = await connectRelay(`ws://127.0.0.1:${port}`);
      assert.deepEqual((await after.query({ ids: [state.id] })).map((event: NostrEvent) => event.id), [state.id], "the state is served again");
      const cloneDir = join(tempDir("grasp-readme-clone-"), "clone");
      execFileSync("git", ["clone", "--quiet", repository.url, cloneDir], { stdio: ["ignore", "pipe", "pipe"] });
      assert.equal(execFileSync("git", ["-C", cloneDir, "rev-parse", "HEAD"], { encoding: "utf8" }).trim(), tip);
      const list = JSON.parse(execFileSync(node, [cliPath, "--config", config, "list", "--json"], { encoding: "utf8" })) as { entries: { id: string }[] };
      assert.ok(list.entries.some((entry) => entry.id === pending.id), "the held state is held again");
      assert.equal(statsReleased(config), released, "the history came back");
      assert.equal(statSync(join(dir, "var/lib/grasp/data/purgatory.sqlite")).mode & 0o777, 0o660);

      // "Monitoring".
      const metrics = execFileSync(node, [cliPath, "--config", config, "metrics"], { encoding: "utf8" });
      assert.match(metrics, /^grasp_purgatory_daemon_up 1$/m);

      // And the stop that ends "Try it first".
      follow(tryIt.slice(3), local);
    } catch (error) {
      t.diagnostic(stackLogs(dir));
      throw error;
    }
  });

  it("the server steps: deploy writes the files the README lists and prints the commands the README runs next", { timeout: 60_000 }, () => {
    const out = tempDir("grasp-readme-out-");
    const steps = [block("grasp-purgatory deploy --host git.example.com --no-tls --setup"), block("grasp-purgatory deploy --host git.example.com --setup")];
    for (const lines of steps) {
      const deployLine = lines[0]!;
      // --out instead of --setup: written for review, no users or directories made on this machine.
      const [printed] = follow([deployLine], [
        [" --setup", ""],
        ["grasp-purgatory deploy", `${node} ${cliPath} deploy --out ${out}`],
      ]);
      for (const later of [...lines.slice(1), ...steps[1]!.slice(1)].filter((line) => /^(ln -sf|systemctl|nginx -t)/.test(line))) {
        for (const command of later.split(" && ")) assert.ok(printed!.stdout.includes(command), `deploy's next steps include "${command}":\n${printed!.stdout}`);
      }
    }
    const listed = [...section.matchAll(/^\| `(\/[^`]+)`/gm)].map((match) => match[1]!);
    assert.ok(listed.length >= 6);
    for (const path of listed) {
      const file = path.endsWith("/") ? join(out, path, "index.html") : join(out, path);
      assert.ok(statSync(file).isFile(), `${file} was written`);
    }
    for (const unit of ["grasp-fcgiwrap.socket", "grasp-fcgiwrap.service", "grasp-purgatory-metrics.timer", "grasp-purgatory-metrics.service"]) {
      assert.ok(statSync(join(out, "etc/systemd/system", unit)).isFile(), unit);
    }
    assert.match(readFileSync(join(out, "etc/nginx/sites-available/grasp-purgatory.conf"), "utf8"), /ssl_certificate \/etc\/letsencrypt\/live\/git\.example\.com\/fullchain\.pem;/);
  });
});

async function daemonPid(dir: string): Promise<number | undefined> {
  const answer = await askDaemon(join(dir, "var/lib/grasp/data/daemon.sock"), { op: "ping" }, 3000);
  return answer.ok ? (answer.pid as number) : undefined;
}

async function waitForDaemon(dir: string, condition: (pid: number | undefined) => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition(await daemonPid(dir))) {
    if (Date.now() > deadline) throw new Error("the daemon did not come back with a new pid within 20 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function statsReleased(config: string): number {
  return (JSON.parse(execFileSync(node, [cliPath, "--config", config, "stats", "--json"], { encoding: "utf8" })) as { totals: { released: number } }).totals.released;
}
