// `grasp-purgatory stack start|stop`: the production deployment (strfry + nginx + fcgiwrap,
// two users) rendered into one directory for 127.0.0.1:<port> and run without systemd, to try
// it and to test it. Thin: flags in, src/deploy does the work, URLs out.

import { resolve } from "node:path";
import type { Command } from "commander";
import { ExitCode, GraspError } from "../errors.js";
import { deploymentPaths, planDeployment } from "../deploy/deployment.js";
import { freePort, requireRoot, runningProcesses, runStack, stopStack } from "../deploy/stack.js";
import type { StackStatus, StoppedProcess } from "../deploy/stack.js";
import { addDeploymentFlags, deploy, deploymentOptionsFrom } from "./deploy-command.js";
import type { DeployFlags } from "./deploy-command.js";
import { printJson } from "./format.js";
import { parsePort } from "./option-parsers.js";

type StackStartFlags = Omit<DeployFlags, "host" | "port" | "tls" | "bind" | "ipv6" | "prefix" | "out" | "setup"> & { dir: string; port: number };

export async function startStack(flags: StackStartFlags): Promise<StackStatus> {
  requireRoot("grasp-purgatory stack start");
  const dir = resolve(flags.dir);
  const paths = deploymentPaths(dir);
  const running = runningProcesses({ paths });
  if (running.length > 0) {
    throw new GraspError(
      `a stack already runs from ${dir} (${running.map((entry) => `${entry.name} pid ${entry.pid}`).join(", ")}): stop it first with grasp-purgatory stack stop --dir ${dir}`,
      ExitCode.failure,
    );
  }
  let strfryPort = flags.strfryPort ?? (await freePort());
  while (strfryPort === flags.port) strfryPort = await freePort();
  const options = await deploymentOptionsFrom({ ...flags, strfryPort, host: "127.0.0.1", port: flags.port, tls: false, bind: "127.0.0.1", ipv6: false, prefix: dir });
  const deployment = planDeployment(options);
  deploy(deployment, { out: undefined, force: flags.force === true, setup: true, stack: true });
  return runStack(deployment);
}

export function formatStackStatus(status: StackStatus): string {
  const processes = status.processes.map((entry) => `  ${`${entry.name}:`.padEnd(11)} pid ${entry.pid} as ${entry.user}, log ${entry.log}`);
  return [
    `grasp-purgatory stack: the production deployment, running from ${status.dir}`,
    `  relay:      ${status.relayUrl}`,
    `  http:       ${status.publicUrl}`,
    `  clone URLs: ${status.publicUrl}/<npub>/<d>.git`,
    `  upstream:   ${status.strfryUrl} (strfry itself, behind nginx)`,
    ...processes,
    `  operator:   grasp-purgatory --config ${status.configPath} doctor   (also list, stats, ...)`,
    `  stop:       grasp-purgatory stack stop --dir ${status.dir}`,
  ].join("\n");
}

export function formatStopped(stopped: readonly StoppedProcess[], dir: string): string {
  if (stopped.length === 0) return `nothing was running from ${dir}`;
  return stopped.map((entry) => `${entry.name} (pid ${entry.pid}): ${entry.outcome}`).join("\n");
}

export function registerStackCommand(program: Command): void {
  const stack = program
    .command("stack")
    .description("Run the production deployment (strfry, nginx, fcgiwrap as two users) from one directory without systemd, to try it or test it.");

  const start = stack
    .command("start")
    .description("Render the deployment for 127.0.0.1:<port> into <dir>, create the users, start strfry, fcgiwrap and nginx, and wait until each answers (needs root).")
    .requiredOption("--dir <dir>", "where the deployment lives (etc/, var/lib/grasp/, logs, pids)")
    .requiredOption("--port <port>", "the port nginx listens on, on 127.0.0.1", parsePort)
    .option("--json", "print {dir, publicUrl, relayUrl, strfryUrl, configPath, processes: [{name, pid, startTime, user, log}]}");
  addDeploymentFlags(start, { help: "default: a free one" })
    .addHelpText("after", "\nExample:\n  sudo grasp-purgatory stack start --dir /srv/grasp-try --port 8080 --strfry /usr/local/bin/strfry")
    .action(async (flags: StackStartFlags & { json?: boolean }) => {
      const status = await startStack(flags);
      if (flags.json) printJson(status);
      else process.stdout.write(formatStackStatus(status) + "\n");
    });

  stack
    .command("stop")
    .description("Stop what `stack start --dir <dir>` started, by the pids it recorded.")
    .requiredOption("--dir <dir>", "the directory given to stack start")
    .option("--json", "print {stopped: [{name, pid, outcome}]}")
    .addHelpText("after", "\nExample:\n  sudo grasp-purgatory stack stop --dir /srv/grasp-try")
    .action(async (flags: { dir: string; json?: boolean }) => {
      const dir = resolve(flags.dir);
      const stopped = await stopStack({ paths: deploymentPaths(dir) });
      if (flags.json) printJson({ stopped });
      else process.stdout.write(formatStopped(stopped, dir) + "\n");
    });
}
