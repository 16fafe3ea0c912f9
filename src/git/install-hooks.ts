// Installs our hooks into a repository as small wrappers that carry the configuration (git
// http-backend runs hooks with the web server's environment, not ours) and run the
// project's hooks/<name> with this same Node.js.

import { chmod, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../config.js";
import { settingsEnvironment } from "../config.js";
import { projectHooksDir } from "../paths.js";

export const hookNames = ["pre-receive", "post-receive"] as const;
export type HookName = (typeof hookNames)[number];

export interface HookInstallation {
  /** The project's hooks/ directory, holding one script per hook name. */
  hooksDir: string;
  /** Environment the hook needs: the resolved settings and the Node.js binary. */
  environment: Readonly<Record<string, string>>;
}

/** This installation's hooks, carrying this configuration and this Node.js. */
export function hookInstallationFor(config: Config): HookInstallation {
  return { hooksDir: projectHooksDir, environment: { ...settingsEnvironment(config), GRASP_PURGATORY_NODE: process.execPath } };
}

const marker = "# installed by grasp-purgatory";

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function hookWrapper(name: HookName, installation: HookInstallation): string {
  const exports = Object.entries(installation.environment)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `export ${key}=${shellQuote(value)}`);
  return [
    "#!/bin/sh",
    `${marker}; rewrite with \`grasp-purgatory install-hooks\``,
    ...exports,
    `exec ${shellQuote(join(installation.hooksDir, name))} "$@"`,
    "",
  ].join("\n");
}

/** Writes each hook atomically (a push may be running); returns the names it changed. */
export async function installHooks(repositoryPath: string, installation: HookInstallation): Promise<HookName[]> {
  const changed: HookName[] = [];
  for (const name of hookNames) {
    const path = join(repositoryPath, "hooks", name);
    const wanted = hookWrapper(name, installation);
    const current = await readFile(path, "utf8").catch(() => undefined);
    if (current === wanted) {
      // Only when needed: a hook root installed belongs to root, and chmod by another user fails.
      if (((await stat(path)).mode & 0o777) !== 0o755) await chmod(path, 0o755);
      continue;
    }
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, wanted, { mode: 0o755 });
    await chmod(temporary, 0o755);
    await rename(temporary, path);
    changed.push(name);
  }
  return changed;
}
