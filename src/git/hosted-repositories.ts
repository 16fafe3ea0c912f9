// The repositories under the git root: `<root>/<npub>/<d>.git` directories.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { repositoryOfPath } from "./repository-path.js";

export interface HostedRepository {
  /** `<npub>/<d>.git` */
  name: string;
  path: string;
}

export function hostedRepositories(gitRoot: string): HostedRepository[] {
  const found: HostedRepository[] = [];
  const directories = (path: string) => {
    try {
      return readdirSync(path, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    } catch {
      return [];
    }
  };
  for (const owner of directories(gitRoot).sort()) {
    for (const repository of directories(join(gitRoot, owner)).sort()) {
      const path = join(gitRoot, owner, repository);
      if (repositoryOfPath(gitRoot, path) !== undefined) found.push({ name: `${owner}/${repository}`, path });
    }
  }
  return found;
}
