// Does a URL from an announcement point at this service? Parsed, never compared as text:
// host case-insensitive, default ports made explicit, trailing slashes ignored.

import type { ServiceAddress } from "../config.js";

const defaultPorts: Record<string, number> = { "http:": 80, "https:": 443, "ws:": 80, "wss:": 443 };

function parse(value: string, protocols: readonly string[]): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (!protocols.includes(url.protocol) || url.username !== "" || url.password !== "") return undefined;
  if (url.search !== "" || url.hash !== "") return undefined;
  return url;
}

function isOurHost(url: URL, service: ServiceAddress): boolean {
  if (url.hostname.toLowerCase() !== service.hostname) return false;
  const port = url.port === "" ? defaultPorts[url.protocol] : Number(url.port);
  return service.port === undefined ? url.port === "" : port === service.port;
}

function pathWithoutTrailingSlashes(url: URL): string {
  return url.pathname.replace(/\/+$/, "");
}

/** `http(s)://<service>/<owner npub>/<d>.git`, with `d` percent-encoded or not. */
export function isOurCloneUrl(value: string, service: ServiceAddress, ownerNpub: string, identifier: string): boolean {
  const url = parse(value, ["http:", "https:"]);
  if (url === undefined || !isOurHost(url, service)) return false;
  const segments = pathWithoutTrailingSlashes(url).split("/");
  if (segments.length !== 3 || segments[0] !== "" || segments[1] !== ownerNpub) return false;
  try {
    return decodeURIComponent(segments[2]!) === `${identifier}.git`;
  } catch {
    return false;
  }
}

/** `ws(s)://<service>` with an empty path. */
export function isOurRelayUrl(value: string, service: ServiceAddress): boolean {
  const url = parse(value, ["ws:", "wss:"]);
  return url !== undefined && isOurHost(url, service) && pathWithoutTrailingSlashes(url) === "";
}
