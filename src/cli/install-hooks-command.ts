// `grasp-purgatory install-hooks [--all | <repo>]`: install or repair our hooks in existing
// repositories (a server that held repositories before it ran grasp-purgatory, or after the
// configuration moved).

import type { Command } from "commander";
import type { Config } from "../config.js";
import { ExitCode, GraspError } from "../errors.js";
import { hostedRepositories } from "../git/hosted-repositories.js";
import { hookInstallationFor, installHooks } from "../git/install-hooks.js";
import type { HookName } from "../git/install-hooks.js";
import { printJson } from "./format.js";
import { configOf } from "./global-options.js";

export interface HookRepair {
  repository: string;
  changed: HookName[];
}

export async function installHooksInto(config: Config, target: { all: true } | { repository: string }): Promise<HookRepair[]> {
  const repositories = hostedRepositories(config.gitRoot);
  const selected =
    "all" in target
      ? repositories
      : repositories.filter((repository) => repository.name === target.repository || repository.name === `${target.repository}.git`);
  if (!("all" in target) && selected.length === 0) {
    throw new GraspError(`no repository ${target.repository} under ${config.gitRoot}: give <npub>/<d> as in the clone URL`, ExitCode.notFound);
  }
  const installation = hookInstallationFor(config);
  const repairs: HookRepair[] = [];
  for (const repository of selected) {
    repairs.push({ repository: repository.name, changed: await installHooks(repository.path, installation) });
  }
  return repairs;
}

export function registerInstallHooksCommand(program: Command): void {
  program
    .command("install-hooks")
    .description("Install or repair the pre-receive and post-receive hooks in existing repositories.")
    .argument("[repo]", "one repository, as <npub>/<d>")
    .option("--all", "every repository under the git root")
    .option("--json", "print {repositories: [{repository, changed}]} for scripts")
    .addHelpText("after", "\nExamples:\n  grasp-purgatory install-hooks --all\n  grasp-purgatory install-hooks npub1.../my-project")
    .action(async (repo: string | undefined, options: { all?: boolean; json?: boolean }, command: Command) => {
      if ((repo === undefined) === (options.all !== true)) command.error("error: give either --all or one repository <npub>/<d>");
      const repairs = await installHooksInto(configOf(command), repo === undefined ? { all: true } : { repository: repo });
      if (options.json) {
        printJson({ repositories: repairs });
        return;
      }
      const changed = repairs.filter((repair) => repair.changed.length > 0);
      for (const repair of changed) process.stdout.write(`${repair.repository}: installed ${repair.changed.join(", ")}\n`);
      process.stdout.write(`${changed.length} of ${repairs.length} repositories changed\n`);
    });
}
