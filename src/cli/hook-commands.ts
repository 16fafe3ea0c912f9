import type { Command } from "commander";
import { runHook } from "../hooks/run-hook.js";
import { hookNames } from "../git/install-hooks.js";
import type { HookName } from "../git/install-hooks.js";
import { configOf } from "./global-options.js";

export function registerHookCommands(program: Command): void {
  program
    .command("hook")
    .description("Run a git hook (called by the hooks installed in each repository, not by people).")
    .argument("<name>", `one of ${hookNames.join(", ")}`)
    .addHelpText("after", "\nExample (what an installed hook runs, inside the repository):\n  grasp-purgatory hook pre-receive < ref-updates")
    .action(async (name: string, _options, command: Command) => {
      if (!(hookNames as readonly string[]).includes(name)) {
        command.error(`error: unknown hook "${name}": use one of ${hookNames.join(", ")}`);
      }
      await runHook(name as HookName, configOf(command));
    });
}
