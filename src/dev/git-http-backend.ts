// Git smart HTTP through the real `git http-backend`, run as a CGI per request the way
// nginx + fcgiwrap run it in production: the request body streams in, the CGI head is
// parsed for the status and headers, and the body streams out. Pushes therefore run the
// hooks installed in each repository, with the environment given here.

import { spawn } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorMessage, log } from "../log.js";
import { parseCgiHead } from "./cgi-response.js";

export interface GitBackendRequest {
  gitRoot: string;
  /** The repository's directory under the git root and the file within it, as on disk. */
  repositoryDir: string;
  gitPath: string;
  /** The query string without its `?`. */
  query: string;
  env: NodeJS.ProcessEnv;
}

/**
 * GRASP-01 clients fetch single commits and partial clones: upload-pack must advertise
 * allow-tip-sha1-in-want, allow-reachable-sha1-in-want and filter whatever a repository's
 * own config says.
 */
const uploadPackSettings: [string, string][] = [
  ["uploadpack.allowTipSHA1InWant", "true"],
  ["uploadpack.allowReachableSHA1InWant", "true"],
  ["uploadpack.allowFilter", "true"],
];

/** Adds settings through GIT_CONFIG_COUNT/KEY_n/VALUE_n after any the environment already has. */
export function withGitConfig(env: NodeJS.ProcessEnv, settings: readonly [string, string][]): NodeJS.ProcessEnv {
  const existing = Number(env.GIT_CONFIG_COUNT ?? 0);
  const start = Number.isInteger(existing) && existing > 0 ? existing : 0;
  const result: NodeJS.ProcessEnv = { ...env, GIT_CONFIG_COUNT: String(start + settings.length) };
  settings.forEach(([key, value], index) => {
    result[`GIT_CONFIG_KEY_${start + index}`] = key;
    result[`GIT_CONFIG_VALUE_${start + index}`] = value;
  });
  return result;
}

export function cgiEnvironment(request: IncomingMessage, backend: GitBackendRequest): NodeJS.ProcessEnv {
  const optional = (name: string, value: string | string[] | undefined) => (typeof value === "string" ? { [name]: value } : {});
  return {
    ...withGitConfig(backend.env, uploadPackSettings),
    GATEWAY_INTERFACE: "CGI/1.1",
    SERVER_PROTOCOL: `HTTP/${request.httpVersion}`,
    GIT_PROJECT_ROOT: backend.gitRoot,
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: `/${backend.repositoryDir}/${backend.gitPath}`,
    REQUEST_METHOD: request.method ?? "GET",
    QUERY_STRING: backend.query,
    CONTENT_TYPE: request.headers["content-type"] ?? "",
    REMOTE_ADDR: request.socket.remoteAddress ?? "",
    ...optional("CONTENT_LENGTH", request.headers["content-length"]),
    ...optional("HTTP_CONTENT_ENCODING", request.headers["content-encoding"]),
    ...optional("GIT_PROTOCOL", request.headers["git-protocol"]),
  };
}

/** Answers the request with git http-backend; resolves when the backend has exited. */
export function serveWithGitHttpBackend(request: IncomingMessage, response: ServerResponse, backend: GitBackendRequest): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn("git", ["http-backend"], { env: cgiEnvironment(request, backend), stdio: ["pipe", "pipe", "pipe"] });
    let head = Buffer.alloc(0);
    let headSent = false;

    const fail = (problem: string) => {
      log.error("git http-backend failed", { path: backend.gitPath, repository: backend.repositoryDir, problem });
      if (!response.headersSent) response.writeHead(502, { "Content-Type": "text/plain; charset=utf-8" });
      response.end(`git http-backend failed: ${problem}\n`);
    };

    // git http-backend may answer (403, 404) without reading the body: that is not an error.
    child.stdin.on("error", () => undefined);
    request.pipe(child.stdin);
    request.on("close", () => {
      if (!request.complete) child.stdin.destroy();
    });

    child.stdout.on("data", (chunk: Buffer) => {
      if (headSent) {
        if (!response.write(chunk)) {
          child.stdout.pause();
          response.once("drain", () => child.stdout.resume());
        }
        return;
      }
      head = Buffer.concat([head, chunk]);
      const parsed = parseCgiHead(head);
      if (parsed.kind === "incomplete") return;
      headSent = true;
      if (parsed.kind === "invalid") {
        fail(parsed.problem);
        child.stdout.resume();
        return;
      }
      response.writeHead(parsed.head.status, parsed.head.headers.flat());
      response.write(head.subarray(parsed.head.bodyStart));
    });
    child.stdout.on("end", () => {
      if (!headSent) fail("it ended without a CGI head");
      else response.end();
    });
    // A client that goes away must not stall the backend mid-push: keep draining its output.
    response.on("close", () => child.stdout.resume());

    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      for (const line of text.split("\n").filter((l) => l.trim() !== "")) {
        log.warn("git http-backend", { repository: backend.repositoryDir, message: line });
      }
    });
    child.on("error", (error) => {
      fail(`could not run git http-backend: ${errorMessage(error)}`);
      resolve();
    });
    child.on("close", () => resolve());
  });
}
