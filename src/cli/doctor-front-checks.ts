// `doctor`'s checks through nginx (publicUrl in the config): what clients get, not what the
// processes behind it think. The relay's websocket, our NIP-11 document (not strfry's), CORS
// on a 404 and on a preflight, 404 for an unknown repository, and git http-backend answering
// for a repository that exists (where fcgiwrap's user meets the repositories' owner).

import type { Config } from "../config.js";
import { hostedRepositories } from "../git/hosted-repositories.js";
import { errorMessage } from "../log.js";
import { relayRequest } from "../plugin/relay-request.js";
import type { Check } from "./doctor-check.js";
import { fail, pass } from "./doctor-check.js";

export const requiredCorsHeaders: Readonly<Record<string, string>> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST",
  "access-control-allow-headers": "Content-Type, Git-Protocol",
};

const timeoutMs = 5000;
const siteFix = "regenerate the nginx site with grasp-purgatory deploy (or compare yours with deploy/nginx/grasp-purgatory.conf), then nginx -t && systemctl reload nginx";

/** The CORS headers a response lacks or has wrong, as `name: value` (empty when all are right). */
export function missingCorsHeaders(headers: Headers): string[] {
  return Object.entries(requiredCorsHeaders)
    .filter(([name, value]) => headers.get(name) !== value)
    .map(([name, value]) => `${name}: ${value} (got ${headers.get(name) ?? "none"})`);
}

/** Why a NIP-11 document is not ours, or undefined when it is. */
export function relayInformationProblem(document: unknown): string | undefined {
  if (typeof document !== "object" || document === null) return "the answer is not a JSON object";
  const fields = document as Record<string, unknown>;
  if (fields.name === "strfry default") return `it is strfry's own document ("name": "strfry default"): nginx passes NIP-11 requests to strfry`;
  if (!Array.isArray(fields.supported_grasps) || !fields.supported_grasps.includes("GRASP-01")) return `supported_grasps is ${JSON.stringify(fields.supported_grasps)}, not ["GRASP-01", ...]`;
  if (typeof fields.repo_acceptance_criteria !== "string" || fields.repo_acceptance_criteria.trim() === "") return "repo_acceptance_criteria is missing or empty";
  return undefined;
}

async function request(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
}

export function relayUrlOf(publicUrl: string): string {
  return publicUrl.replace(/^http/, "ws");
}

async function relayThroughNginx(publicUrl: string): Promise<Check> {
  const url = relayUrlOf(publicUrl);
  const answer = await relayRequest(url, ["REQ", "doctor", { limit: 0 }], (message) => message[0] === "EOSE", timeoutMs);
  return answer.ok
    ? pass("relay via nginx", `${url} answers`)
    : fail("relay via nginx", answer.error, `nginx must pass websocket upgrades at / to strfry (relay.port in strfry.conf): ${siteFix}`);
}

async function relayInformation(publicUrl: string): Promise<Check> {
  try {
    const response = await request(`${publicUrl}/`, { headers: { Accept: "application/nostr+json" } });
    if (response.status !== 200) return fail("NIP-11", `GET ${publicUrl}/ (Accept: application/nostr+json) answered ${response.status}`, siteFix);
    const problem = relayInformationProblem(await response.json().catch(() => undefined));
    return problem === undefined
      ? pass("NIP-11", `${publicUrl}/ names GRASP-01 in supported_grasps, with repo_acceptance_criteria`)
      : fail("NIP-11", problem, `nginx must answer it from relay-information.json in the site directory: ${siteFix}`);
  } catch (error) {
    return fail("NIP-11", `GET ${publicUrl}/: ${errorMessage(error)}`, `start nginx, or fix publicUrl in the config: ${siteFix}`);
  }
}

/** An unknown repository: 404, with CORS; and a preflight: 204, with CORS. */
async function corsAndNotFound(publicUrl: string): Promise<Check> {
  const unknown = `${publicUrl}/npub1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq/doctor-no-such-repository.git/info/refs?service=git-upload-pack`;
  try {
    const notFound = await request(unknown);
    if (notFound.status !== 404) return fail("CORS and 404", `an unknown repository (${unknown}) answered ${notFound.status}, not 404`, siteFix);
    const missing = missingCorsHeaders(notFound.headers);
    if (missing.length > 0) return fail("CORS and 404", `the 404 for an unknown repository lacks ${missing.join("; ")}`, `the site's add_header lines need "always": ${siteFix}`);
    const preflight = await request(unknown, { method: "OPTIONS" });
    const preflightMissing = missingCorsHeaders(preflight.headers);
    if (preflight.status !== 204 || preflightMissing.length > 0) {
      return fail("CORS and 404", `OPTIONS answered ${preflight.status}${preflightMissing.length > 0 ? ` without ${preflightMissing.join("; ")}` : ""}, not 204 with CORS`, siteFix);
    }
    return pass("CORS and 404", "an unknown repository gets 404 and a preflight 204, both with CORS");
  } catch (error) {
    return fail("CORS and 404", `${unknown}: ${errorMessage(error)}`, `start nginx: ${siteFix}`);
  }
}

/** git http-backend, run by fcgiwrap's user, on a repository strfry's user created. */
async function gitThroughNginx(config: Config, publicUrl: string): Promise<Check> {
  const repository = hostedRepositories(config.gitRoot)[0];
  if (repository === undefined) return pass("git via nginx", "no repositories yet");
  const [npub = "", directory = ""] = repository.name.split("/");
  const url = `${publicUrl}/${npub}/${encodeURIComponent(directory.replace(/\.git$/, ""))}.git/info/refs?service=git-receive-pack`;
  try {
    const response = await request(url);
    const type = response.headers.get("content-type") ?? "";
    if (response.status === 200 && type === "application/x-git-receive-pack-advertisement") return pass("git via nginx", `${repository.name} advertises receive-pack`);
    return fail(
      "git via nginx",
      `GET ${url} answered ${response.status} ${type}`.trim(),
      `read fcgiwrap's log (journalctl -u grasp-fcgiwrap) and nginx's error log: "dubious ownership" means git http-backend lacks safe.directory (the site passes GIT_CONFIG_* for it); "Permission denied" means the repository is not group-writable (see repository access); 502 means fcgiwrap is not running (systemctl start grasp-fcgiwrap.socket)`,
    );
  } catch (error) {
    return fail("git via nginx", `${url}: ${errorMessage(error)}`, `start nginx: ${siteFix}`);
  }
}

export async function frontChecks(config: Config, publicUrl: string): Promise<Check[]> {
  return [await relayThroughNginx(publicUrl), await relayInformation(publicUrl), await corsAndNotFound(publicUrl), await gitThroughNginx(config, publicUrl)];
}
