// This installation's version, from package.json (for --version, NIP-11 and the deployment).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../paths.js";

export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version?: unknown };
  return typeof manifest.version === "string" ? manifest.version : "unknown";
}
