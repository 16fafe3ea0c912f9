// `grasp-purgatory deploy`: renders the production deployment (nginx site, strfry.conf, the
// policy wrapper, our config, systemd units, NIP-11 and pages) from deploy/ for one public
// host, writes it without overwriting an operator's edits, optionally creates the users and
// directories, and prints what to run next.

import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { InvalidArgumentError } from "commander";
import type { Command } from "commander";
import { defaultConfigFiles, defaultPurgatoryTtlSeconds } from "../config.js";
import { ExitCode, GraspError } from "../errors.js";
import { readAccounts } from "../deploy/accounts.js";
import { planDeployment } from "../deploy/deployment.js";
import type { Deployment, DeploymentOptions } from "../deploy/deployment.js";
import { formatNextSteps, nextSteps } from "../deploy/next-steps.js";
import type { NextStep } from "../deploy/next-steps.js";
import { renderDeployment } from "../deploy/render.js";
import { commandOf, formatCommand, planSetup, requireUser, runSetup } from "../deploy/setup-system.js";
import type { SetupStep } from "../deploy/setup-system.js";
import { applyWrites, planWrites, readCurrent, readManifest } from "../deploy/write-files.js";
import type { FilePlan } from "../deploy/write-files.js";
import { runGit } from "../git/run.js";
import { cliPath } from "../paths.js";
import { printJson } from "./format.js";
import { parseCount, parsePort } from "./option-parsers.js";
import { packageVersion } from "./package-version.js";

export interface DeployFlags {
  host: string;
  port?: number;
  tls: boolean;
  tlsCertificate?: string;
  tlsKey?: string;
  bind?: string;
  ipv6: boolean;
  prefix: string;
  out?: string;
  strfry?: string;
  strfryPort?: number;
  strfryUser: string;
  gitUser: string;
  group: string;
  nginxUser: string;
  nginxGroup: string;
  fcgiwrap: string;
  fcgiwrapChildren: number;
  gitHttpBackend?: string;
  releaseSink: "websocket" | "import";
  name?: string;
  description?: string;
  contact?: string;
  pubkey?: string;
  setup?: boolean;
  force?: boolean;
  json?: boolean;
}

export const deployDefaults = {
  prefix: "/",
  strfryPort: 7778,
  strfryUser: "grasp-relay",
  gitUser: "grasp-git",
  group: "grasp",
  nginxUser: "www-data",
  nginxGroup: "www-data",
  fcgiwrap: "/usr/sbin/fcgiwrap",
  fcgiwrapChildren: 16,
  releaseSink: "websocket",
} as const;

/** The first `name` on PATH, else undefined. */
function onPath(name: string): string | undefined {
  return (process.env.PATH ?? "")
    .split(":")
    .filter((dir) => dir !== "")
    .map((dir) => join(dir, name))
    .find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

async function gitHttpBackendPath(): Promise<string> {
  const { stdout } = await runGit(["--exec-path"]);
  return join(stdout.trim(), "git-http-backend");
}

/** The flags and what this machine has (strfry on PATH, git's exec path), as the deployment's options. */
export async function deploymentOptionsFrom(flags: DeployFlags): Promise<DeploymentOptions> {
  const tls =
    flags.tls === false
      ? undefined
      : {
          certificate: flags.tlsCertificate ?? `/etc/letsencrypt/live/${flags.host}/fullchain.pem`,
          key: flags.tlsKey ?? `/etc/letsencrypt/live/${flags.host}/privkey.pem`,
        };
  return {
    host: flags.host.toLowerCase(),
    port: flags.port,
    tls,
    bind: flags.bind,
    ipv6: flags.ipv6,
    prefix: flags.prefix,
    strfryBinary: flags.strfry ?? onPath("strfry") ?? "/usr/local/bin/strfry",
    strfryPort: flags.strfryPort ?? deployDefaults.strfryPort,
    strfryUser: flags.strfryUser,
    gitUser: flags.gitUser,
    group: flags.group,
    nginxUser: flags.nginxUser,
    nginxGroup: flags.nginxGroup,
    fcgiwrapBinary: flags.fcgiwrap,
    fcgiwrapChildren: flags.fcgiwrapChildren,
    gitHttpBackend: flags.gitHttpBackend ?? (await gitHttpBackendPath()),
    nginxMimeTypes: "/etc/nginx/mime.types",
    releaseSink: flags.releaseSink,
    relayName: flags.name ?? flags.host,
    relayDescription: flags.description ?? `A GRASP server: git repositories hosted over nostr at ${flags.host}.`,
    relayContact: flags.contact,
    relayPubkey: flags.pubkey,
    node: process.execPath,
    cli: cliPath,
    version: packageVersion(),
    ttlSeconds: defaultPurgatoryTtlSeconds,
  };
}

export interface DeployResult {
  deployment: Deployment;
  files: FilePlan[];
  /** What --setup did, or what it would do. */
  setup: SetupStep[];
  setupDone: boolean;
  nextSteps: NextStep[];
}

export interface DeployRun {
  out: string | undefined;
  force: boolean;
  setup: boolean;
  stack: boolean;
}

const isRoot = () => process.geteuid?.() === 0;

/** Renders and writes the files, then (with setup) creates users and directories. */
export function deploy(deployment: Deployment, run: DeployRun): DeployResult {
  const out = run.out ?? "/";
  const rendered = renderDeployment(deployment, { stack: run.stack });
  const manifestTarget = join(out, deployment.paths.manifestPath);
  const manifest = readManifest(manifestTarget);
  const files = planWrites(rendered, readCurrent, manifest, { out, force: run.force });
  if (run.setup && !isRoot()) throw new GraspError("--setup creates users and directories: run deploy --setup as root (sudo)", ExitCode.usage);
  try {
    applyWrites(files, manifestTarget, manifest, "grasp-purgatory deploy");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EACCES" && code !== "EPERM") throw error;
    throw new GraspError(`${(error as Error).message}: run deploy as root (sudo), or write the files elsewhere with --out <dir> (to review) or --prefix <dir>`, ExitCode.failure);
  }
  const accounts = readAccounts();
  const directoryOf = (path: string) => (existsSync(path) ? statSync(path) : undefined);
  const setup = planSetup(deployment, accounts, directoryOf, { stack: run.stack });
  if (run.setup) {
    requireUser(accounts, deployment.nginxUser, "--nginx-user");
    runSetup(setup);
  }
  const configIsDefault = deployment.paths.configPath === defaultConfigFiles[0];
  const steps = nextSteps({
    deployment,
    setup: run.setup ? [] : setup,
    out: run.out,
    certificateMissing: deployment.tls !== undefined && !existsSync(deployment.tls.certificate),
    cli: configIsDefault ? "grasp-purgatory" : `grasp-purgatory --config ${deployment.paths.configPath}`,
  });
  return { deployment, files, setup, setupDone: run.setup, nextSteps: steps };
}

export function formatDeployResult(result: DeployResult): string {
  const lines = result.files.map((plan) => `${plan.action.padEnd(9)}  ${plan.target}`);
  if (result.setupDone) lines.push("", result.setup.length === 0 ? "setup: users, group and directories were already right" : `setup: ${result.setup.length} step(s) done`);
  lines.push("", formatNextSteps(result.nextSteps));
  return lines.join("\n");
}

function parseReleaseSink(value: string): "websocket" | "import" {
  if (value !== "websocket" && value !== "import") throw new InvalidArgumentError(`"${value}" is not a release sink: use websocket or import`);
  return value;
}

/** The flags `deploy` and `stack start` share: who runs what, and where the programs are. */
export function addDeploymentFlags(command: Command, strfryPort: { default: number } | { help: string } = { default: deployDefaults.strfryPort }): Command {
  const port = "default" in strfryPort ? [strfryPort.default] : [];
  return command
    .option("--strfry <binary>", "the strfry binary (default: strfry on PATH, else /usr/local/bin/strfry)")
    .option("--strfry-port <port>", `strfry's own loopback port, behind nginx${"help" in strfryPort ? ` (${strfryPort.help})` : ""}`, parsePort, ...port)
    .option("--strfry-user <user>", "the user strfry and the policy run as", deployDefaults.strfryUser)
    .option("--git-user <user>", "the user fcgiwrap runs git http-backend and the hooks as", deployDefaults.gitUser)
    .option("--group <group>", "the group both share", deployDefaults.group)
    .option("--nginx-user <user>", "the user nginx's workers run as", deployDefaults.nginxUser)
    .option("--nginx-group <group>", "the group nginx's workers run as (it gets fcgiwrap's socket)", deployDefaults.nginxGroup)
    .option("--fcgiwrap <binary>", "the fcgiwrap binary", deployDefaults.fcgiwrap)
    .option("--fcgiwrap-children <count>", "fcgiwrap processes (each serves one request at a time)", parseCount, deployDefaults.fcgiwrapChildren)
    .option("--git-http-backend <path>", "git http-backend (default: from git --exec-path)")
    .option("--release-sink <sink>", "how held events reach strfry: websocket or import (strfry import; needed for NIP-70 events)", parseReleaseSink, deployDefaults.releaseSink)
    .option("--name <name>", "the relay's name in NIP-11 and on the home page (default: the host)")
    .option("--description <text>", "the relay's description in NIP-11")
    .option("--contact <contact>", "NIP-11 contact (email or URL)")
    .option("--pubkey <hex>", "NIP-11 administrator pubkey")
    .option("--force", "overwrite files changed since deploy wrote them");
}

export function registerDeployCommand(program: Command): void {
  const command = program
    .command("deploy")
    .description("Write the production deployment for one public host: nginx site, strfry.conf, policy wrapper, config, systemd units, NIP-11; then print what to run next.")
    .requiredOption("--host <name>", "the public host name, e.g. git.example.com")
    .option("--port <port>", "the public port nginx listens on (default 443, or 80 with --no-tls)", parsePort)
    .option("--no-tls", "plain HTTP (to get a first certificate, behind another TLS proxy, or to try it)")
    .option("--tls-certificate <file>", "certificate chain (default: Let's Encrypt's /etc/letsencrypt/live/<host>/fullchain.pem)")
    .option("--tls-key <file>", "its key (default: /etc/letsencrypt/live/<host>/privkey.pem)")
    .option("--bind <address>", "the address nginx listens on (default: every address)")
    .option("--no-ipv6", "do not listen on IPv6 too")
    .option("--prefix <dir>", "where the deployment lives: its files and directories under this root", deployDefaults.prefix)
    .option("--out <dir>", "write the files under this directory instead of in place, to review them")
    .option("--setup", "also create the group, the two users and the directories (needs root)")
    .option("--json", "print {files: [{path, target, action}], setup: [command], nextSteps: [{what, commands}]} for scripts");
  addDeploymentFlags(command)
    .addHelpText(
      "after",
      "\nExamples:\n  sudo grasp-purgatory deploy --host git.example.com --setup\n  grasp-purgatory deploy --host git.example.com --out ./review\n  sudo grasp-purgatory deploy --host 203.0.113.7 --no-tls --port 8080 --setup",
    )
    .action(async (flags: DeployFlags) => {
      const deployment = planDeployment(await deploymentOptionsFrom(flags));
      const result = deploy(deployment, { out: flags.out, force: flags.force === true, setup: flags.setup === true, stack: false });
      if (flags.json) {
        printJson({
          files: result.files.map((plan) => ({ path: plan.file.path, target: plan.target, action: plan.action })),
          setup: result.setup.map((step) => formatCommand(commandOf(step))),
          setupDone: result.setupDone,
          nextSteps: result.nextSteps,
        });
      } else {
        process.stdout.write(formatDeployResult(result) + "\n");
      }
    });
}
