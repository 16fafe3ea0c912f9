// `bin/grasp-purgatory-hook <name>`: a hook run without the CLI around it (commander and every
// command cost a hook's start). Errors become one `grasp-purgatory: ...` line and an exit code,
// as in the CLI's main().

import { loadConfig } from "../config.js";
import { GraspError, ExitCode } from "../errors.js";
import { hookNames } from "../git/install-hooks.js";
import type { HookName } from "../git/install-hooks.js";
import { errorMessage } from "../log.js";
import { runHook } from "./run-hook.js";

export async function hookMain(args: readonly string[]): Promise<number> {
  const [name] = args;
  if (!(hookNames as readonly string[]).includes(name ?? "")) {
    process.stderr.write(`grasp-purgatory: unknown hook "${name ?? ""}": use one of ${hookNames.join(", ")}\n`);
    return ExitCode.usage;
  }
  try {
    await runHook(name as HookName, loadConfig());
    return 0;
  } catch (error) {
    if (error instanceof GraspError) {
      process.stderr.write(`grasp-purgatory: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`grasp-purgatory: unexpected error: ${errorMessage(error)}\n`);
    return ExitCode.failure;
  }
}
