// Which repository a URL path names: `/<npub>/<percent-encoded d>.git[/<git path>]`. The path
// is split before it is decoded, so an encoded `/` stays inside the identifier and is then
// refused with every other identifier that is not one safe directory name. Only the files
// git http-backend serves are let through after the repository.

import { npubOf, pubkeyOfNpub, repositoryIdentifierProblem } from "../nostr/nip34.js";

export interface RepositoryName {
  npub: string;
  pubkey: string;
  identifier: string;
}

export type RepositoryRoute =
  | ({ kind: "page" } & RepositoryName)
  | ({ kind: "git"; gitPath: string } & RepositoryName)
  /** Looks like a repository URL but cannot name one safely. */
  | { kind: "bad request"; reason: string }
  /** Not a repository URL at all, or not a file of one. */
  | { kind: "not found" };

/** The smart and dumb HTTP paths of git http-backend's service table. */
const gitPaths = [
  /^info\/refs$/,
  /^git-upload-pack$/,
  /^git-receive-pack$/,
  /^HEAD$/,
  /^info\/alternates$/,
  /^info\/http-alternates$/,
  /^info\/packs$/,
  /^objects\/info\/[^/]+$/,
  /^objects\/[0-9a-f]{2}\/[0-9a-f]{38}$/,
  /^objects\/[0-9a-f]{2}\/[0-9a-f]{62}$/,
  /^objects\/pack\/pack-[0-9a-f]{40}\.(pack|idx)$/,
  /^objects\/pack\/pack-[0-9a-f]{64}\.(pack|idx)$/,
];

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** `pathname` is the raw path of the request, before any decoding, without the query. */
export function routeRepositoryPath(pathname: string): RepositoryRoute {
  const [empty, npub, repositorySegment, ...rest] = pathname.split("/");
  if (empty !== "" || npub === undefined || repositorySegment === undefined) return { kind: "not found" };
  const decoded = decodeSegment(repositorySegment);
  if (decoded === undefined) return { kind: "bad request", reason: "the repository name is not valid percent-encoding" };
  if (!decoded.endsWith(".git")) return { kind: "not found" };
  const pubkey = pubkeyOfNpub(npub);
  // Only the canonical spelling names a directory; anything else would be an alias.
  if (pubkey === undefined || npubOf(pubkey) !== npub) return { kind: "not found" };
  const identifier = decoded.slice(0, -".git".length);
  const problem = repositoryIdentifierProblem(identifier);
  if (problem !== undefined) {
    const reason = `the repository name ${JSON.stringify(identifier)} is not a safe directory name: an announcement with it ${problem}`;
    return { kind: "bad request", reason };
  }
  const name = { npub, pubkey, identifier };
  const gitPath = rest.join("/");
  if (gitPath === "") return { kind: "page", ...name };
  if (gitPaths.some((pattern) => pattern.test(gitPath))) return { kind: "git", gitPath, ...name };
  return { kind: "not found" };
}

/** The URL path of a repository, with its identifier percent-encoded. */
export function repositoryUrlPath(name: Pick<RepositoryName, "npub" | "identifier">): string {
  return `/${name.npub}/${encodeURIComponent(name.identifier)}.git`;
}
