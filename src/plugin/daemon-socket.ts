// The daemon's Unix socket (mode 0660 in the data directory). The post-receive hook sends
// one JSON line `{"op":"release","repository":"<npub>/<d>.git"}` and waits for one JSON line
// back; `{"op":"ping"}` answers `{"ok":true}` (for `doctor`). Malformed requests get
// `{"ok":false,"error":...}`; nothing a client sends can stop the daemon. The operator's
// `grasp-purgatory release <id>` sends `{"op":"release-event","id":"<64 hex>"}`.

import { chmodSync, linkSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { errorMessage, log } from "../log.js";

export type DaemonRequest = { op: "ping" } | { op: "release"; repository: string } | { op: "release-event"; id: string };

export type DaemonAnswer = { ok: true; [key: string]: unknown } | { ok: false; error: string };

export function parseDaemonRequest(line: string): DaemonRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "request is not JSON";
  }
  if (typeof value !== "object" || value === null) return "request is not a JSON object";
  const request = value as Record<string, unknown>;
  if (request.op === "ping") return { op: "ping" };
  if (request.op === "release") {
    if (typeof request.repository !== "string" || request.repository.length > 1000) return "release needs a repository string";
    return { op: "release", repository: request.repository };
  }
  if (request.op === "release-event") {
    if (typeof request.id !== "string" || !/^[0-9a-f]{64}$/.test(request.id)) return "release-event needs a 64-hex id";
    return { op: "release-event", id: request.id };
  }
  return `unknown op ${JSON.stringify(request.op)}: use ping, release or release-event`;
}

/** A request line longer than this is refused and its connection closed. */
export const maxRequestBytes = 64 * 1024;

/**
 * A hook's request over HTTP (what `curl --unix-socket` sends, so that the installed hooks need
 * no Node.js): `POST /hooks/<name>` with the hook's stdin as the body and its GIT_DIR in
 * `X-Git-Dir`. 200 and the lines to show: the hook succeeds; 403: it refuses the push.
 */
export interface HookRequest {
  hook: string;
  gitDir: string;
  body: string;
}

export interface HookAnswer {
  status: 200 | 403 | 400 | 500;
  lines: string[];
}

export type HookHandler = (request: HookRequest) => Promise<HookAnswer>;

function serveHook(handleHook: HookHandler): Server {
  return createHttpServer((request, response) => {
    const match = /^\/hooks\/([a-z-]+)$/.exec(request.url ?? "");
    const gitDir = request.headers["x-git-dir"];
    const reply = (answer: HookAnswer) => {
      response.writeHead(answer.status, { "Content-Type": "text/plain; charset=utf-8" });
      response.end(answer.lines.map((line) => `${line}\n`).join(""));
    };
    if (request.method !== "POST" || match === null || typeof gitDir !== "string") {
      request.resume();
      return reply({ status: 400, lines: ["error: POST /hooks/<name> with X-Git-Dir"] });
    }
    let body = "";
    let tooLong = false;
    request.on("data", (chunk) => {
      if (tooLong) return;
      body += String(chunk);
      tooLong = Buffer.byteLength(body) > maxRequestBytes * 16;
    });
    request.on("end", () => {
      if (tooLong) return reply({ status: 400, lines: [`error: a hook's input is at most ${maxRequestBytes * 16} bytes`] });
      handleHook({ hook: match[1]!, gitDir, body })
        .catch((error: unknown): HookAnswer => ({ status: 500, lines: [`error: ${errorMessage(error)}`] }))
        .then(reply, () => undefined);
    });
  });
}

const httpMethod = /^(GET|POST|PUT|HEAD|DELETE|OPTIONS) /;

function serveConnections(handle: (request: DaemonRequest) => Promise<DaemonAnswer>, hooks: Server): Server {
  return createServer((connection) => {
    connection.on("error", () => undefined);
    // One socket, two dialects: a hook's HTTP request (curl) or a JSON line (the Node clients).
    connection.once("data", (first) => {
      if (!httpMethod.test(String(first.subarray(0, 8)))) return readLines(connection, handle, first);
      connection.pause();
      connection.unshift(first);
      hooks.emit("connection", connection);
      connection.resume();
    });
  });
}

/** JSON lines, one answer per request; `first` is the chunk that told the dialect. */
function readLines(connection: Socket, handle: (request: DaemonRequest) => Promise<DaemonAnswer>, first: Buffer): void {
  const reply = (answer: DaemonAnswer) => {
    if (!connection.destroyed) connection.write(JSON.stringify(answer) + "\n");
  };
  let buffered = "";
  let refused = false;
  const receive = (chunk: Buffer) => {
    // After a refusal the rest of that line is read and dropped until the client goes.
    if (refused) return;
    buffered += String(chunk);
    for (let newline = buffered.indexOf("\n"); newline !== -1; newline = buffered.indexOf("\n")) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const request = parseDaemonRequest(line);
      if (typeof request === "string") reply({ ok: false, error: request });
      else void handle(request).catch((error: unknown): DaemonAnswer => ({ ok: false, error: errorMessage(error) })).then(reply);
    }
    if (Buffer.byteLength(buffered) > maxRequestBytes) {
      buffered = "";
      refused = true;
      reply({ ok: false, error: `request line longer than ${maxRequestBytes} bytes` });
      connection.end();
    }
  };
  connection.on("data", receive);
  receive(first);
}

/** Who holds a lock file: a pid and that process's start time (so a reused pid is not taken for it). */
function processIdentity(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return `${pid} ${stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]}`;
  } catch {
    try {
      process.kill(pid, 0);
      return `${pid}`;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "EPERM" ? `${pid}` : undefined;
    }
  }
}

/** Takes the lock if it is free or its holder is gone; true when this process holds it. */
function takeLock(lockPath: string, identity: string): boolean {
  for (let attempt = 0; attempt < 3; attempt++) {
    const candidate = `${lockPath}.${process.pid}`;
    writeFileSync(candidate, identity);
    try {
      linkSync(candidate, lockPath);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      rmSync(candidate, { force: true });
    }
    const holder = readFileSync(lockPath, "utf8").trim();
    if (holder === identity) return true;
    const pid = Number(holder.split(" ")[0]);
    if (Number.isInteger(pid) && pid > 0 && processIdentity(pid) === holder) return false;
    // Its holder is gone (killed, say): the lock is stale.
    if (readFileSync(lockPath, "utf8").trim() === holder) rmSync(lockPath, { force: true });
  }
  return false;
}

export interface DaemonSocket {
  /** This process serves the socket now. */
  isServing(): boolean;
  close(): void;
}

/** How often a process that does not hold the socket checks whether its holder has gone. */
const takeOverIntervalMs = 1_000;

/**
 * One daemon per data directory. The process holding `<socket>.lock` serves the socket; any
 * other policy process (strfry restarting a plugin while the old one drains, `strfry router`
 * or `sync` running their own) answers strfry as usual but neither steals nor removes the
 * socket, and takes it over within about a second once the holder has gone. Only the process
 * that created the socket removes it.
 */
export function serveDaemonSocket(path: string, handle: (request: DaemonRequest) => Promise<DaemonAnswer>, handleHook: HookHandler): DaemonSocket {
  const lockPath = `${path}.lock`;
  const identity = processIdentity(process.pid) ?? `${process.pid}`;
  let server: Server | undefined;
  let closed = false;

  const tryToServe = () => {
    if (closed || server !== undefined) return;
    let held: boolean;
    try {
      held = takeLock(lockPath, identity);
    } catch (error) {
      log.error("daemon socket lock unavailable", { lockPath, error: errorMessage(error) });
      return;
    }
    if (!held) return;
    // A socket file left by a killed holder would make listen fail with EADDRINUSE.
    rmSync(path, { force: true });
    const listening = serveConnections(handle, serveHook(handleHook));
    server = listening;
    listening.on("error", (error) => log.error("daemon socket error", { socketPath: path, error: errorMessage(error) }));
    // Bound beside it and renamed into place, so the socket never exists with the wrong mode.
    const binding = `${path}.${process.pid}`;
    rmSync(binding, { force: true });
    listening.listen(binding, () => {
      chmodSync(binding, 0o660);
      renameSync(binding, path);
      log.info("daemon socket serving", { socketPath: path, pid: process.pid });
    });
  };
  tryToServe();
  const timer = setInterval(tryToServe, takeOverIntervalMs);
  timer.unref();

  return {
    isServing: () => server !== undefined,
    close() {
      closed = true;
      clearInterval(timer);
      if (server === undefined) return;
      server.close();
      try {
        if (readFileSync(lockPath, "utf8").trim() === identity) {
          // This process created the socket; nobody else removes it.
          rmSync(path, { force: true });
          rmSync(lockPath, { force: true });
        }
      } catch {
        // already gone
      }
    },
  };
}
