// SPEC §6 over plain HTTP and the real git CLI: CORS on every answer, OPTIONS, NIP-11, the
// pages and 404s, git smart HTTP through git http-backend (capabilities, clone, push with
// the repository's hooks), and paths that try to leave the git root.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { newIdentity } from "./support/nostr-identity.js";
import { startDevServerProcess } from "./support/dev-server.js";
import { fixedGitEnvironment } from "../src/git/git-fixture.js";
import { tempDir } from "./support/temp-dir.js";

const execFileAsync = promisify(execFile);
const work = tempDir("grasp-dev-http-");
const gitEnv = { ...process.env, ...fixedGitEnvironment, GIT_AUTHOR_DATE: "2024-01-01T00:00:00Z", GIT_COMMITTER_DATE: "2024-01-01T00:00:00Z" };

async function git(args: string[], cwd = work): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync("git", ["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", ...args], { cwd, env: gitEnv });
}

async function gitFails(args: string[], cwd = work): Promise<string> {
  try {
    await git(args, cwd);
  } catch (error) {
    return String((error as { stderr?: string }).stderr);
  }
  assert.fail(`git ${args.join(" ")} succeeded`);
}

/** A raw request: fetch() would normalise `..` and `%2e%2e` away before sending. */
function rawGet(url: string, path: string, method = "GET"): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const server = await startDevServerProcess({ plugin: "cat >/dev/null" });
const owner = newIdentity();
const identifier = "my repo ü";
const repoUrlPath = `/${owner.npub}/${encodeURIComponent(identifier)}.git`;
const repoDir = join(server.gitRoot, owner.npub, `${identifier}.git`);

// A repository as the policy would leave it, minus the upload-pack settings (the server adds them).
mkdirSync(join(server.gitRoot, owner.npub), { recursive: true });
await git(["init", "--bare", "--quiet", repoDir]);
const source = join(work, "source");
await git(["init", "--quiet", source]);
writeFileSync(join(source, "README.md"), "hello\n");
await git(["add", "README.md"], source);
await git(["commit", "--quiet", "-m", "first"], source);
await git(["push", "--quiet", repoDir, "main"], source);
const mainCommit = (await git(["rev-parse", "HEAD"], source)).stdout.trim();

function assertCors(headers: Headers | Record<string, unknown>): void {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : headers[name.toLowerCase()]);
  assert.equal(get("Access-Control-Allow-Origin"), "*");
  assert.equal(get("Access-Control-Allow-Methods"), "GET, POST");
  assert.equal(get("Access-Control-Allow-Headers"), "Content-Type, Git-Protocol");
}

test("OPTIONS answers 204 with CORS anywhere", async () => {
  for (const path of ["/", repoUrlPath + "/info/refs", "/nothing/here"]) {
    const response = await fetch(server.httpUrl + path, { method: "OPTIONS" });
    assert.equal(response.status, 204, path);
    assertCors(response.headers);
  }
});

test("GET / is NIP-11 for nostr clients and a page for browsers", async () => {
  const info = await fetch(server.httpUrl + "/", { headers: { Accept: "application/nostr+json" } });
  assert.equal(info.status, 200);
  assert.equal(info.headers.get("content-type"), "application/nostr+json");
  assertCors(info.headers);
  const document = (await info.json()) as Record<string, unknown>;
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  assert.equal(typeof document.name, "string");
  assert.equal(typeof document.description, "string");
  assert.equal(document.software, "grasp-purgatory");
  assert.equal(document.version, manifest.version);
  assert.deepEqual(document.supported_grasps, ["GRASP-01"]);
  assert.ok((document.supported_nips as number[]).includes(11));
  assert.ok(typeof document.repo_acceptance_criteria === "string" && document.repo_acceptance_criteria.length > 0);

  const page = await fetch(server.httpUrl + "/");
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(await page.text(), new RegExp(server.relayUrl.replaceAll(".", "\\.")));
});

test("unknown repositories and paths are 404 pages with CORS", async () => {
  const stranger = newIdentity();
  for (const path of [`/${stranger.npub}/nothing.git`, `/${stranger.npub}/nothing.git/info/refs?service=git-upload-pack`, "/favicon.ico", `${repoUrlPath}/config`]) {
    const response = await fetch(server.httpUrl + path);
    assert.equal(response.status, 404, path);
    assertCors(response.headers);
    assert.match(await response.text(), /Not found/);
  }
});

test("the repository page shows the clone URL and refs", async () => {
  const response = await fetch(server.httpUrl + repoUrlPath);
  assert.equal(response.status, 200);
  assertCors(response.headers);
  const html = await response.text();
  assert.ok(html.includes(`${server.httpUrl}${repoUrlPath}`), "clone URL");
  assert.ok(html.includes("refs/heads/main") && html.includes(mainCommit), "refs");
});

test("upload-pack advertises tip and reachable SHA-1 wants and filter, in protocol v0 and v2", async () => {
  const v0 = await fetch(`${server.httpUrl}${repoUrlPath}/info/refs?service=git-upload-pack`);
  assert.equal(v0.status, 200);
  assertCors(v0.headers);
  assert.equal(v0.headers.get("content-type"), "application/x-git-upload-pack-advertisement");
  const advertisement = await v0.text();
  for (const capability of ["allow-tip-sha1-in-want", "allow-reachable-sha1-in-want", "filter"]) {
    assert.match(advertisement, new RegExp(`[ \\0]${capability}[ \\n]`), capability);
  }
  assert.ok(advertisement.includes(`${mainCommit} refs/heads/main`));

  const v2 = await fetch(`${server.httpUrl}${repoUrlPath}/info/refs?service=git-upload-pack`, { headers: { "Git-Protocol": "version=2" } });
  const capabilities = await v2.text();
  assert.match(capabilities, /version 2/);
  assert.match(capabilities, /fetch=[^\n]*filter/);
});

test("git clone over HTTP works, including a partial clone, with the identifier percent-encoded", async () => {
  const clone = join(work, "clone");
  await git(["clone", "--quiet", "--filter=blob:none", `${server.httpUrl}${repoUrlPath}`, clone]);
  assert.equal(readFileSync(join(clone, "README.md"), "utf8"), "hello\n");
  assert.equal((await git(["rev-parse", "HEAD"], clone)).stdout.trim(), mainCommit);
});

test("pushes go through http-backend: refused without http.receivepack, and run the repository's hooks", async () => {
  const url = `${server.httpUrl}${repoUrlPath}`;
  writeFileSync(join(source, "README.md"), "hello again\n");
  await git(["commit", "--quiet", "-am", "second"], source);
  assert.match(await gitFails(["push", url, "main"], source), /403|not found|unable to access|Service not enabled/i);

  await git(["config", "http.receivepack", "true"], repoDir);
  const marker = join(work, "hook-ran");
  const hook = join(repoDir, "hooks", "pre-receive");
  writeFileSync(
    hook,
    `#!/bin/sh
echo "$GRASP_PURGATORY_GIT_ROOT" > '${marker}'
while read old new ref; do
  if [ "$ref" = refs/heads/blocked ]; then echo "error: refs/heads/blocked is not allowed" >&2; exit 1; fi
done
`,
  );
  chmodSync(hook, 0o755);
  await git(["push", "--quiet", url, "main"], source);
  assert.equal(readFileSync(marker, "utf8").trim(), server.gitRoot);
  assert.equal((await git(["rev-parse", "main"], repoDir)).stdout.trim(), (await git(["rev-parse", "HEAD"], source)).stdout.trim());
  assert.match(await gitFails(["push", url, "main:blocked"], source), /remote: error: refs\/heads\/blocked is not allowed/);
});

test("paths that try to leave the git root are 400 or 404, never served", async () => {
  // A repository just outside the git root, for the attempts to reach.
  await git(["init", "--bare", "--quiet", join(server.dataDir, "secret.git")]);
  const npub = owner.npub;
  const attempts = [
    `/${npub}/..%2F..%2Fsecret.git/info/refs?service=git-upload-pack`,
    `/${npub}/%2E%2E.git/info/refs?service=git-upload-pack`,
    `/${npub}/..%5Csecret.git/info/refs`,
    `/${npub}/a%00b.git/info/refs`,
    `/${npub}/%E0%A4%A.git/info/refs`,
    `/${npub}/.git/info/refs`,
    `/${npub}/../../secret.git/info/refs?service=git-upload-pack`,
    `/../secret.git/info/refs?service=git-upload-pack`,
    `/${npub.toUpperCase()}/${encodeURIComponent(identifier)}.git/info/refs?service=git-upload-pack`,
    `${repoUrlPath}/../../../secret.git/info/refs`,
    `${repoUrlPath}/objects/../../../secret.git/HEAD`,
    `${repoUrlPath}/info/../config`,
  ];
  for (const path of attempts) {
    const response = await rawGet(server.httpUrl, path);
    assert.ok(response.status === 400 || response.status === 404, `${path} answered ${response.status}`);
    assertCors(response.headers);
  }
});
