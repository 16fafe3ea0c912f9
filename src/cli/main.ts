// The one command. strfry runs `grasp-purgatory policy`, git runs `grasp-purgatory hook ...`,
// operators run the rest. Commands throw GraspError; only this file turns errors into exit codes.

import { Command, CommanderError } from "commander";
import { defaultConfigFiles } from "../config.js";
import { GraspError, ExitCode } from "../errors.js";
import { errorMessage } from "../log.js";
import { registerPolicyCommand } from "./policy-command.js";
import { registerHookCommands } from "./hook-commands.js";
import { registerDevCommand } from "./dev-command.js";
import { registerBackupCommands } from "./backup-command.js";
import { registerDeployCommand } from "./deploy-command.js";
import { registerDoctorCommand } from "./doctor-command.js";
import { registerInstallHooksCommand } from "./install-hooks-command.js";
import { registerListCommand } from "./list-command.js";
import { registerMetricsCommand } from "./metrics-command.js";
import { registerReindexCommand } from "./reindex-command.js";
import { registerReleaseAndDropCommands } from "./release-drop-commands.js";
import { packageVersion } from "./package-version.js";
import { registerShowCommand } from "./show-command.js";
import { registerStackCommand } from "./stack-command.js";
import { registerStatsCommand } from "./stats-command.js";

export function buildProgram(): Command {
  const program = new Command()
    .name("grasp-purgatory")
    .description("The purgatory of a GRASP server: strfry write policy, git hooks and operator tools.")
    .version(packageVersion(), "-V, --version", "print the version")
    .option("-c, --config <file>", `JSON config file (default: $GRASP_PURGATORY_CONFIG, else the first of ${defaultConfigFiles.join(", ")} that exists); environment variables override it`)
    .showHelpAfterError()
    .exitOverride();
  registerPolicyCommand(program);
  registerHookCommands(program);
  registerDevCommand(program);
  registerListCommand(program);
  registerShowCommand(program);
  registerStatsCommand(program);
  registerMetricsCommand(program);
  registerBackupCommands(program);
  registerReleaseAndDropCommands(program);
  registerInstallHooksCommand(program);
  registerReindexCommand(program);
  registerDoctorCommand(program);
  registerDeployCommand(program);
  registerStackCommand(program);
  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit itself. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version arrive here as "errors" with exit code 0.
      return error.exitCode === 0 ? 0 : ExitCode.usage;
    }
    if (error instanceof GraspError) {
      process.stderr.write(`grasp-purgatory: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`grasp-purgatory: unexpected error: ${errorMessage(error)}\n`);
    return ExitCode.failure;
  }
}
