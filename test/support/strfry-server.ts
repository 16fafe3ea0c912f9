// Runs the product on the real strfry, assembled as production is: strfry as the relay with
// our `grasp-purgatory policy` as its writePolicy plugin (through a wrapper script, as the
// README's deployment has it), and a front on one port standing in for nginx: websocket
// upgrades go byte for byte to strfry, everything else to git smart HTTP / NIP-11 / CORS
// (`src/dev/http-handler.ts`), whose `git http-backend` runs the repositories' hooks.
//
// The front is a small child process (this same file, run with --strfry-front): the tests run
// `git push` with spawnSync, which blocks the test process, so a front inside it could not
// answer the push it is waiting for.
//
// The result has the shape of `DevServerProcess` (dev-server.ts), so hosted-repository.ts,
// dev-relay-client.ts and the other helpers work against it unchanged.

import { execFileSync, spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, get as httpGet } from "node:http";
import type { IncomingMessage } from "node:http";
import { connect, createServer as createNetServer } from "node:net";
import type { AddressInfo, Socket } from "node:net";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { after } from "node:test";
import { fileURLToPath } from "node:url";
import type { NostrEvent } from "nostr-tools";
import WebSocket from "ws";
import { cliPath, projectRoot } from "../../src/paths.js";
import type { DevServerProcess } from "./dev-server.js";
import { tempDir } from "./temp-dir.js";
import { waitUntil } from "./wait-until.js";

// ---------------------------------------------------------------------------------------------
// Finding strfry

/** Where the tests look for strfry: `GRASP_PURGATORY_STRFRY`, else `<project>/../shared/strfry/strfry`. */
export function strfryBinary(): string {
  const fromEnv = process.env.GRASP_PURGATORY_STRFRY;
  return resolve(fromEnv !== undefined && fromEnv !== "" ? fromEnv : join(projectRoot, "..", "shared", "strfry", "strfry"));
}

/** The Debian package of each library strfry links against (strfry's README). */
const debianPackages: Record<string, string> = {
  "liblmdb.so.0": "liblmdb0",
  "libsecp256k1.so.1": "libsecp256k1-1",
  "libzstd.so.1": "libzstd1",
  "libssl.so.3": "libssl3",
  "libcrypto.so.3": "libssl3",
  "libz.so.1": "zlib1g",
};

/** The shared libraries the dynamic loader cannot find for `binary` (from ldd, else the loader's error). */
function missingLibraries(binary: string, loaderError: string): string[] {
  const ldd = spawnSync("ldd", [binary], { encoding: "utf8", timeout: 10_000 });
  const fromLdd = ldd.error === undefined ? [...String(ldd.stdout).matchAll(/^\s*(\S+) => not found$/gm)].map((m) => m[1]!) : [];
  if (fromLdd.length > 0) return fromLdd;
  const fromLoader = /error while loading shared libraries: ([^:\s]+)/.exec(loaderError);
  return fromLoader === null ? [] : [fromLoader[1]!];
}

let skipReason: { value: string | undefined } | undefined;

/**
 * undefined when strfry runs here; otherwise one sentence saying why not and how to fix it.
 * Checked once per process by running `strfry --version`.
 */
export function strfrySkipReason(): string | undefined {
  skipReason ??= { value: checkStrfry(strfryBinary()) };
  return skipReason.value;
}

function checkStrfry(binary: string): string | undefined {
  const fix = "set GRASP_PURGATORY_STRFRY to a strfry binary, or see ../shared/strfry/README.md";
  if (!existsSync(binary)) return `strfry not found at ${binary}: ${fix}`;
  const run = spawnSync(binary, ["--version"], { encoding: "utf8", timeout: 10_000 });
  if (run.error !== undefined) return `strfry at ${binary} cannot be run (${(run.error as NodeJS.ErrnoException).code ?? run.error.message}): ${fix}`;
  const output = `${run.stdout}${run.stderr}`;
  if (output.includes("error while loading shared libraries") || run.status === 127) {
    const libraries = missingLibraries(binary, output);
    const packages = [...new Set(libraries.map((library) => debianPackages[library] ?? library))];
    const install = packages.length > 0 ? packages.join(" ") : "liblmdb0 libsecp256k1-1";
    const named = libraries.length > 0 ? `${libraries.join(", ")} (Debian packages ${install})` : `(see ldd ${binary})`;
    return `strfry at ${binary} cannot run: missing shared libraries ${named}: apt-get update && apt-get install -y ${install}`;
  }
  if (run.status !== 0) return `strfry at ${binary} --version exited ${run.status ?? run.signal}: ${output.trim().slice(-300)}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The server

/** Where everything of one server lives, for options that need paths (an import command, a wrapper). */
export interface StrfryLayout {
  /** The temp dir: db/, git/, data/, strfry.conf, policy-wrapper. */
  root: string;
  strfry: string;
  configPath: string;
  wrapperPath: string;
  gitRoot: string;
  /** The policy's data directory (purgatory.sqlite, daemon.sock): `<root>/data`. */
  policyDataDir: string;
}

export interface StrfryServerOptions {
  /** strfry's relay.writePolicy.timeoutSeconds; default 10 (strfry's default). */
  timeoutSeconds?: number;
  /** Extra settings exported by the policy wrapper and given to git http-backend (and so the hooks). */
  env?: Record<string, string> | ((layout: StrfryLayout) => Record<string, string>);
  /**
   * The wrapper's last line, given the policy's own command line (already shell-quoted, without
   * `exec`); default `exec <policyCommand>`. Lets a test interpose its own script.
   */
  wrapPolicy?: (policyCommand: string, layout: StrfryLayout) => string;
}

export interface StrfryServer extends DevServerProcess {
  /** strfry's own websocket, without the front: what the policy's websocket sink publishes to. */
  strfryUrl: string;
  strfry: string;
  configPath: string;
  wrapperPath: string;
  /** `strfry --config <conf> import`, shell-quoted: writes JSON lines from stdin straight into the store. */
  importCommand: string;
  /** The front's own log (git http-backend and HTTP errors); stderr() is strfry's and the policy's. */
  frontStderr(): string;
  /** The events stored in strfry's database that match `filter`, read with `strfry scan`. */
  scan(filter: Record<string, unknown>): NostrEvent[];
}

/** The release sink that writes with `strfry import`, as production would for NIP-70 events. */
export function importSinkEnvironment(layout: StrfryLayout): Record<string, string> {
  return {
    GRASP_PURGATORY_RELEASE_SINK: "import",
    GRASP_PURGATORY_IMPORT_COMMAND: `${shellQuote(layout.strfry)} --config ${shellQuote(layout.configPath)} import`,
  };
}

const startTimeoutMs = 20_000;
const stopTimeoutMs = 10_000;
const bindAttempts = 5;

export function shellQuote(value: string): string {
  return /^[\w./:=@%+-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

const handedOut = new Set<number>();

/** A port nothing listens on now (and that this process has not handed out already). */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolvePort, rejectPort) => {
      const probe = createNetServer();
      probe.once("error", rejectPort);
      probe.listen(0, "127.0.0.1", () => {
        const { port: picked } = probe.address() as AddressInfo;
        probe.close(() => resolvePort(picked));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** Environment of children that must not think they are node:test workers. */
function childEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

function exitedPromise(child: ChildProcess): Promise<number | null> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveExit(child.exitCode);
    child.once("exit", (code) => resolveExit(code));
  });
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Resolves true once a websocket to `url` opens (and closes it), false if it cannot. */
function websocketOpens(url: string): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => finish(false), 2000);
    const finish = (opened: boolean) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on("error", () => undefined);
      socket.terminate();
      resolveOpen(opened);
    };
    socket.once("open", () => finish(true));
    socket.once("error", () => finish(false));
  });
}

/** strfry's NIP-11 `name`, to tell our strfry from another one sharing the port (it binds with SO_REUSEPORT). */
function relayName(port: number): Promise<string | undefined> {
  return new Promise((resolveName) => {
    const request = httpGet({ host: "127.0.0.1", port, path: "/", headers: { Accept: "application/nostr+json" }, timeout: 2000 }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => {
        try {
          const name = (JSON.parse(body) as { name?: unknown }).name;
          resolveName(typeof name === "string" ? name : undefined);
        } catch {
          resolveName(undefined);
        }
      });
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolveName(undefined));
  });
}

function strfryConfig(layout: StrfryLayout, port: number, name: string, timeoutSeconds: number): string {
  return `db = "${layout.root}/db/"
relay {
    bind = "127.0.0.1"
    port = ${port}
    nofiles = 0
    info {
        name = "${name}"
    }
    writePolicy {
        plugin = "${layout.wrapperPath}"
        timeoutSeconds = ${timeoutSeconds}
    }
}
`;
}

function policyWrapper(environment: Record<string, string>, lastLine: string): string {
  const exports = Object.entries(environment)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `export ${key}=${shellQuote(value)}`);
  return ["#!/bin/sh", "# strfry's writePolicy plugin for this test server: grasp-purgatory policy with its settings.", ...exports, lastLine, ""].join("\n");
}

interface Front {
  child: ChildProcess;
  httpUrl: string;
  serviceHost: string;
  stdout(): string;
  stderr(): string;
  /** Tells the front where strfry listens (and whose process group to stop if we vanish). */
  upstream(port: number, strfryPid: number): void;
  stop(): Promise<void>;
}

async function startFront(env: NodeJS.ProcessEnv): Promise<Front> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), frontFlag], { env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => (stderr += chunk));
  child.stdout!.setEncoding("utf8");
  child.stdin!.on("error", () => undefined);
  const exited = exitedPromise(child);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    }
  };
  const httpUrl = await new Promise<string>((resolveUrl, rejectStart) => {
    const timer = setTimeout(() => rejectStart(new Error(`the front did not start within ${startTimeoutMs} ms:\n${stderr}`)), startTimeoutMs);
    child.stdout!.on("data", (chunk: string) => {
      stdout += chunk;
      const found = /^listening on (http:\/\/\S+)$/m.exec(stdout);
      if (found !== null) {
        clearTimeout(timer);
        resolveUrl(found[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rejectStart(new Error(`the front exited with ${code} before listening:\n${stderr}`));
    });
  });
  return {
    child,
    httpUrl,
    serviceHost: new URL(httpUrl).host,
    stdout: () => stdout,
    stderr: () => stderr,
    upstream: (port, strfryPid) => child.stdin!.write(JSON.stringify({ port, strfryPid }) + "\n"),
    stop,
  };
}

interface RunningStrfry {
  child: ChildProcess;
  port: number;
  stdout(): string;
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Starts strfry in its own process group (so that stop() reaches the plugin and its children too). */
function spawnStrfry(layout: StrfryLayout, port: number): RunningStrfry {
  const child = spawn(layout.strfry, ["--config", layout.configPath, "relay"], {
    cwd: layout.root,
    env: childEnvironment({}),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => (stderr += chunk));
  child.on("error", (error) => (stderr += `\n(spawn failed: ${error.message})\n`));
  const exited = exitedPromise(child);
  const pid = child.pid;
  let stopping: Promise<number | null> | undefined;
  const stop = (): Promise<number | null> => {
    stopping ??= (async () => {
      if (pid === undefined) return null;
      // strfry, the plugin's /bin/sh and node, and whatever they started (git cat-file, strfry import).
      signalGroup(pid, "SIGTERM");
      try {
        await waitUntil(() => !groupAlive(pid), `strfry's process group ${pid} exited`, stopTimeoutMs);
      } catch {
        signalGroup(pid, "SIGKILL");
        await waitUntil(() => !groupAlive(pid), `strfry's process group ${pid} exited after SIGKILL`, stopTimeoutMs);
      }
      return exited;
    })();
    return stopping;
  };
  return { child, port, stdout: () => stdout, stderr: () => stderr, stop };
}

/**
 * A strfry relay with our policy, behind a front on one host:port. Call it at the top level of
 * a test file (or inside a test), as startDevServerProcess: it registers its own `after` cleanup.
 */
export async function startStrfryServer(options: StrfryServerOptions = {}): Promise<StrfryServer> {
  const reason = strfrySkipReason();
  if (reason !== undefined) throw new Error(reason);

  // Registered before the temp dir's removal, so that everything stops first.
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  after(() => stopAll());

  const root = tempDir("grasp-strfry-");
  const layout: StrfryLayout = {
    root,
    strfry: strfryBinary(),
    configPath: join(root, "strfry.conf"),
    wrapperPath: join(root, "policy-wrapper"),
    gitRoot: join(root, "git"),
    policyDataDir: join(root, "data"),
  };
  if (/\s|"/.test(root)) throw new Error(`the temp dir ${root} has a space or quote: strfry needs a plugin path without spaces`);
  for (const dir of ["db", "git", "data"]) mkdirSync(join(root, dir));
  const extra = typeof options.env === "function" ? options.env(layout) : (options.env ?? {});

  let strfryPort = await freePort();
  const strfryUrl = () => `ws://127.0.0.1:${strfryPort}`;
  const settings = () => ({
    GRASP_PURGATORY_GIT_ROOT: layout.gitRoot,
    GRASP_PURGATORY_DATA_DIR: layout.policyDataDir,
    GRASP_PURGATORY_RELAY_URL: strfryUrl(),
    ...extra,
  });
  // The front first: its host:port is the service host the policy's settings name.
  const front = await startFront(childEnvironment(settings()));
  stops.push(() => front.stop());
  const serviceHost = front.serviceHost;

  const policyCommand = `${shellQuote(process.execPath)} ${shellQuote(cliPath)} policy`;
  const lastLine = options.wrapPolicy?.(policyCommand, layout) ?? `exec ${policyCommand}`;
  const name = `grasp-test-${randomBytes(6).toString("hex")}`;

  let strfry: RunningStrfry | undefined;
  let failures = "";
  for (let attempt = 1; attempt <= bindAttempts && strfry === undefined; attempt += 1) {
    if (attempt > 1) strfryPort = await freePort();
    const environment = { ...settings(), GRASP_PURGATORY_SERVICE_HOST: serviceHost };
    writeFileSync(layout.wrapperPath, policyWrapper(environment, lastLine));
    chmodSync(layout.wrapperPath, 0o755);
    writeFileSync(layout.configPath, strfryConfig(layout, strfryPort, name, options.timeoutSeconds ?? 10));

    const candidate = spawnStrfry(layout, strfryPort);
    const candidateExited = exitedPromise(candidate.child);
    let gone = false;
    void candidateExited.then(() => (gone = true));
    try {
      await waitUntil(
        async () => {
          if (gone) throw new Error(`strfry exited with ${candidate.child.exitCode ?? candidate.child.signalCode} before listening`);
          return (await websocketOpens(strfryUrl())) && (await relayName(strfryPort)) === name;
        },
        `strfry listens on ${strfryUrl()}`,
        startTimeoutMs,
      );
      // strfry binds with SO_REUSEPORT: another strfry on this port would silently share it.
      for (let probe = 0; probe < 6; probe += 1) {
        const answered = await relayName(strfryPort);
        if (answered !== name) throw new Error(`another relay (${answered ?? "no NIP-11 answer"}) shares port ${strfryPort}`);
      }
      strfry = candidate;
    } catch (error) {
      await candidate.stop();
      failures += `attempt ${attempt} on port ${strfryPort}: ${(error as Error).message}\n${candidate.stderr().slice(-2000)}\n`;
      // Only a port someone else took is worth another try.
      const portTaken = /unable to listen on port|another relay/.test(`${candidate.stderr()} ${(error as Error).message}`) || (!gone && (await relayName(strfryPort)) !== name);
      if (!portTaken) break;
    }
  }
  if (strfry === undefined) throw new Error(`strfry did not start:\n${failures}`);
  const running = strfry;
  stops.push(() => running.stop());
  front.upstream(strfryPort, running.child.pid!);
  const httpUrl = front.httpUrl;
  const relayUrl = `ws://${serviceHost}`;
  await waitUntil(() => websocketOpens(relayUrl), `the front proxies websockets at ${relayUrl} to strfry`, startTimeoutMs);

  let stopped: Promise<number | null> | undefined;
  return {
    httpUrl,
    relayUrl,
    serviceHost,
    dataDir: root,
    gitRoot: layout.gitRoot,
    strfryUrl: strfryUrl(),
    strfry: layout.strfry,
    configPath: layout.configPath,
    wrapperPath: layout.wrapperPath,
    importCommand: importSinkEnvironment(layout).GRASP_PURGATORY_IMPORT_COMMAND!,
    stdout: () => running.stdout(),
    stderr: () => running.stderr(),
    frontStderr: () => front.stderr(),
    scan: (filter) =>
      execFileSync(layout.strfry, ["--config", layout.configPath, "scan", JSON.stringify(filter)], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as NostrEvent),
    stop: () => {
      stopped ??= (async () => {
        const code = await running.stop();
        await stopAll();
        return code;
      })();
      return stopped;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The front, run as its own process: `node strfry-server.js --strfry-front`

const frontFlag = "--strfry-front";

/** The request head as the client sent it (names in their case and order), for strfry. */
function requestHead(request: IncomingMessage): string {
  const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
  return lines.join("\r\n") + "\r\n\r\n";
}

async function runFront(): Promise<void> {
  const { httpHandler } = await import("../../src/dev/http-handler.js");
  let upstream: { port: number; strfryPid: number } | undefined;
  const server = createServer({ requestTimeout: 0 });
  await new Promise<void>((resolveListen) => server.listen(0, "127.0.0.1", () => resolveListen()));
  const { port } = server.address() as AddressInfo;
  const serviceHost = `127.0.0.1:${port}`;
  const httpUrl = `http://${serviceHost}`;
  const version = (JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version?: string }).version ?? "unknown";
  // git http-backend, and so the hooks, get the same settings as the policy.
  const gitEnv: NodeJS.ProcessEnv = { ...process.env, GRASP_PURGATORY_SERVICE_HOST: serviceHost };
  server.on("request", httpHandler({ gitRoot: process.env.GRASP_PURGATORY_GIT_ROOT!, urls: { httpUrl, relayUrl: `ws://${serviceHost}` }, gitEnv, version }));
  server.on("upgrade", (request: IncomingMessage, client: Socket, head: Buffer) => {
    if (upstream === undefined) {
      client.end("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    const relay = connect(upstream.port, "127.0.0.1");
    const close = () => {
      client.destroy();
      relay.destroy();
    };
    client.on("error", close);
    relay.on("error", close);
    client.on("close", close);
    relay.on("close", close);
    relay.write(requestHead(request));
    if (head.length > 0) relay.write(head);
    client.pipe(relay);
    relay.pipe(client);
  });

  // The test process tells us where strfry is; when it goes away (its stdin closes) we stop,
  // and take strfry with us so that nothing outlives a killed test run.
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on("line", (line) => {
    upstream = JSON.parse(line) as { port: number; strfryPid: number };
    gitEnv.GRASP_PURGATORY_RELAY_URL = `ws://127.0.0.1:${upstream.port}`;
  });
  lines.on("close", () => {
    if (upstream !== undefined) signalGroup(upstream.strfryPid, "SIGTERM");
    process.exit(0);
  });
  process.on("SIGTERM", () => {
    server.closeAllConnections();
    server.close();
    process.exit(0);
  });
  process.stdout.write(`listening on ${httpUrl}\n`);
}

if (process.argv[2] === frontFlag && process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runFront();
}
