// Every plain HTTP request: CORS on every answer, OPTIONS preflights, NIP-11 and a home page
// at `/`, and repository URLs (a page, or git smart HTTP) for repositories that exist under
// the git root. Websocket upgrades never come here.

import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { relative } from "node:path";
import { repositoryPath } from "../git/repository-path.js";
import { runGit } from "../git/run.js";
import { errorMessage, log } from "../log.js";
import { serveWithGitHttpBackend } from "./git-http-backend.js";
import { homePage, messagePage, notFoundPage, repositoryPage } from "./pages.js";
import type { ServiceUrls } from "./pages.js";
import { relayInformation } from "./relay-information.js";
import { repositoryUrlPath, routeRepositoryPath } from "./repository-url.js";
import type { RepositoryName } from "./repository-url.js";

export interface HttpContext {
  gitRoot: string;
  urls: ServiceUrls;
  /** The environment git http-backend and the hooks it runs get. */
  gitEnv: NodeJS.ProcessEnv;
  version: string;
}

/** SPEC §6: browsers' git and nostr clients call the server from other origins. */
export const corsHeaders: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, POST",
  "Access-Control-Allow-Headers": "Content-Type, Git-Protocol",
};

function sendHtml(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, { "Content-Type": "text/html; charset=utf-8" });
  response.end(html);
}

function wantsRelayInformation(request: IncomingMessage): boolean {
  return (request.headers.accept ?? "").includes("application/nostr+json");
}

/** The repository's directory when it exists; undefined when it does not. */
async function existingRepository(gitRoot: string, name: RepositoryName): Promise<string | undefined> {
  const path = repositoryPath(gitRoot, name.pubkey, name.identifier);
  const found = await stat(path).catch(() => undefined);
  return found?.isDirectory() ? path : undefined;
}

async function repositoryPageHtml(path: string, name: RepositoryName, urls: ServiceUrls): Promise<string> {
  const refs = await runGit(["for-each-ref", "--format=%(refname) %(objectname)"], { cwd: path });
  const head = await runGit(["symbolic-ref", "--quiet", "HEAD"], { cwd: path, allowedExitCodes: [1] });
  return repositoryPage({
    npub: name.npub,
    identifier: name.identifier,
    cloneUrl: `${urls.httpUrl}${repositoryUrlPath(name)}`,
    relayUrl: urls.relayUrl,
    refs: refs.stdout
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => {
        const [refName = "", commit = ""] = line.split(" ");
        return { name: refName, commit };
      }),
    head: head.exitCode === 0 ? head.stdout.trim() : undefined,
  });
}

async function handle(context: HttpContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const method = request.method ?? "GET";
  const url = request.url ?? "/";
  const queryStart = url.indexOf("?");
  const pathname = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = queryStart === -1 ? "" : url.slice(queryStart + 1);
  const readOnly = method === "GET" || method === "HEAD";

  if (method === "OPTIONS") {
    response.writeHead(204);
    response.end();
    return;
  }
  if (!readOnly && method !== "POST") {
    response.writeHead(405, { Allow: "GET, POST, OPTIONS", "Content-Type": "text/plain; charset=utf-8" });
    response.end(`method ${method} is not allowed\n`);
    return;
  }
  if (pathname === "/") {
    if (!readOnly) {
      response.writeHead(405, { Allow: "GET, OPTIONS", "Content-Type": "text/plain; charset=utf-8" });
      response.end("POST to / is not allowed: the relay speaks websockets here\n");
    } else if (wantsRelayInformation(request)) {
      response.writeHead(200, { "Content-Type": "application/nostr+json" });
      response.end(JSON.stringify(relayInformation({ version: context.version })));
    } else {
      sendHtml(response, 200, homePage(context.urls));
    }
    return;
  }

  const route = routeRepositoryPath(pathname);
  if (route.kind === "bad request") return sendHtml(response, 400, messagePage("Bad request", route.reason));
  if (route.kind === "not found") return sendHtml(response, 404, notFoundPage(pathname, context.urls));
  const path = await existingRepository(context.gitRoot, route);
  if (path === undefined) return sendHtml(response, 404, notFoundPage(pathname, context.urls));
  if (route.kind === "page") {
    if (!readOnly) return sendHtml(response, 405, messagePage("Method not allowed", "a repository page can only be read"));
    return sendHtml(response, 200, await repositoryPageHtml(path, route, context.urls));
  }
  await serveWithGitHttpBackend(request, response, {
    gitRoot: context.gitRoot,
    repositoryDir: relative(context.gitRoot, path),
    gitPath: route.gitPath,
    query,
    env: context.gitEnv,
  });
}

export function httpHandler(context: HttpContext): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    for (const [name, value] of Object.entries(corsHeaders)) response.setHeader(name, value);
    handle(context, request, response).catch((error) => {
      log.error("HTTP request failed", { method: request.method, url: request.url, error: errorMessage(error) });
      if (!response.headersSent) sendHtml(response, 500, messagePage("Internal error", errorMessage(error)));
      else response.end();
    });
  };
}
