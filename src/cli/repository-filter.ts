// What `list --repo` accepts: a repository as `<npub>/<d>` (with or without `.git`), or as
// `list` prints it, `npub1abc…wxyz/d` (or with `...`), as long as one repository fits.

import { ExitCode, GraspError } from "../errors.js";

/** The full `<npub>/<d>.git` name `value` stands for among `known`, or the value itself when it is not short. */
export function resolveRepositoryFilter(value: string, known: readonly string[]): string {
  const short = /^(npub1[a-z0-9]*)(?:…|\.\.\.)([a-z0-9]*)\/(.+)$/.exec(value);
  if (short === null) return value.endsWith(".git") ? value : `${value}.git`;
  const [, start, end, identifier] = short as unknown as [string, string, string, string];
  const wanted = identifier.endsWith(".git") ? identifier : `${identifier}.git`;
  const matches = [...new Set(known)].filter((name) => {
    const [npub = "", rest = ""] = name.split("/");
    return rest === wanted && npub.startsWith(start) && npub.endsWith(end) && npub.length >= start.length + end.length;
  });
  if (matches.length > 1) {
    throw new GraspError(`--repo ${value} matches ${matches.length} repositories (${matches.join(", ")}): give the full <npub>/<d>`, ExitCode.usage);
  }
  return matches[0] ?? `${start}…${end}/${wanted}`;
}
