// `grasp-purgatory doctor`: checks a deployment and says how to fix each failure.

import { constants, existsSync, readFileSync, statSync } from "node:fs";
import { access, readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { join } from "node:path";
import type { Command } from "commander";
import * as kinds from "nostr-tools/kinds";
import type { Config } from "../config.js";
import { daemonSocketPath, databasePath, loadConfig } from "../config.js";
import { ExitCode, GraspError } from "../errors.js";
import { hostedRepositories } from "../git/hosted-repositories.js";
import { hookInstallationFor, hookNames, hookWrapper } from "../git/install-hooks.js";
import { errorMessage } from "../log.js";
import { askDaemon } from "../plugin/daemon-client.js";
import { relayRequest } from "../plugin/relay-request.js";
import { scanRelay } from "../plugin/strfry-store.js";
import { acceptedIndex } from "../purgatory/accepted-index.js";
import { currentSchemaVersion, openDatabase, schemaVersion } from "../purgatory/database.js";
import { readAccounts } from "../deploy/accounts.js";
import { wakePolicy } from "../plugin/wake-policy.js";
import { repositoryAccessCheck, socketAccessCheck, storeAccessCheck, usersCheck } from "./doctor-access-checks.js";
import type { Check } from "./doctor-check.js";
import { commandLine, fail, pass } from "./doctor-check.js";
import { frontChecks } from "./doctor-front-checks.js";
import { printJson } from "./format.js";

export type { Check } from "./doctor-check.js";

async function writableDirectory(name: string, path: string, setting: string): Promise<Check> {
  try {
    await access(path, constants.W_OK);
    return statSync(path).isDirectory() ? pass(name, `${path} is writable`) : fail(name, `${path} is not a directory`, `point ${setting} at a directory`);
  } catch (error) {
    return fail(name, `${path}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`, `create ${path} and make it writable by the user strfry runs as, or change ${setting}`);
  }
}

function socketPermissions(path: string): Check {
  if (!existsSync(path)) return fail("daemon socket", `${path} does not exist`, "start strfry (it starts the policy process on the first event) or check dataDir");
  const mode = statSync(path).mode & 0o777;
  return mode === 0o660
    ? pass("daemon socket", `${path} mode 660`)
    : fail("daemon socket", `${path} mode ${mode.toString(8)}`, "restart the policy process; it creates the socket with mode 660");
}

async function daemonAnswers(config: Config, path: string): Promise<Check> {
  const answer = await askDaemon(path, { op: "ping" }, 5000);
  return answer.ok
    ? pass("daemon", `answers on ${path} (pid ${answer.pid})`)
    : fail(
        "daemon",
        answer.error,
        `strfry starts the policy process with the first event it receives after it starts: ${commandLine(config.configFile, "doctor --wake")} sends one; if it still does not answer, check relay.writePolicy.plugin in strfry.conf and strfry's log`,
      );
}

function schemaIsCurrent(config: Config): Check {
  const path = databasePath(config);
  if (!existsSync(path)) return fail("store schema", `no store at ${path}`, "start the policy process once; it creates the store");
  try {
    const db = openDatabase(path, { migrate: false });
    const version = schemaVersion(db);
    db.close();
    return version === currentSchemaVersion
      ? pass("store schema", `version ${version} is current`)
      : fail("store schema", `version ${version}, this program expects ${currentSchemaVersion}`, "restart the policy process; it applies the migrations");
  } catch (error) {
    return fail("store schema", errorMessage(error), `check ${path}`);
  }
}

async function hooksInstalled(config: Config): Promise<Check> {
  const asWhom = config.accounts.strfryUser === undefined ? "" : ` (as root or ${config.accounts.strfryUser})`;
  const installation = hookInstallationFor(config);
  const repositories = hostedRepositories(config.gitRoot);
  const stale: string[] = [];
  for (const repository of repositories) {
    for (const name of hookNames) {
      const path = join(repository.path, "hooks", name);
      const current = await readFile(path, "utf8").catch(() => undefined);
      const executable = await access(path, constants.X_OK).then(() => true, () => false);
      if (current !== hookWrapper(name, installation) || !executable) {
        stale.push(repository.name);
        break;
      }
    }
  }
  return stale.length === 0
    ? pass("hooks", `all ${repositories.length} repositories have current hooks`)
    : fail("hooks", `${stale.length} of ${repositories.length} lack current hooks: ${stale.slice(0, 3).join(", ")}${stale.length > 3 ? ", …" : ""}`, `run ${commandLine(config.configFile, "install-hooks --all")}${asWhom}`);
}

async function relayAnswers(url: string): Promise<Check> {
  const answer = await relayRequest(url, ["REQ", "doctor", { limit: 0 }], () => true, 5000);
  return answer.ok
    ? pass("release sink", `relay ${url} answers`)
    : fail("release sink", answer.error, "start the relay, or set relayUrl to where strfry listens (e.g. ws://127.0.0.1:7777)");
}

async function importCommandExists(command: string): Promise<Check> {
  const program = command.trim().split(/\s+/)[0] ?? "";
  const candidates = program.includes("/") ? [program] : (process.env.PATH ?? "").split(":").map((dir) => join(dir, program));
  for (const candidate of candidates) {
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) {
      const config = /--config[= ](\S+)/.exec(command)?.[1];
      if (config !== undefined && !existsSync(config)) return fail("release sink", `${config} (from importCommand) does not exist`, "fix the --config path in importCommand");
      return pass("release sink", `${candidate} is executable`);
    }
  }
  return fail("release sink", `${program} (from importCommand) is not an executable on PATH`, "install strfry or give importCommand its absolute path");
}

/** The announcements and states strfry stores against those the index holds as stored. */
async function indexAgreesWithStrfry(config: Config): Promise<Check> {
  const path = databasePath(config);
  if (!existsSync(path)) return fail("index", `no store at ${path}`, "start the policy process once; it creates the store");
  const repositoryKinds = [kinds.RepositoryAnnouncement, kinds.RepositoryState];
  const inStrfry = new Set<string>();
  try {
    await scanRelay(config.relayUrl, { kinds: repositoryKinds }, (events) => events.forEach((event) => inStrfry.add(event.id)));
  } catch (error) {
    return fail("index", `cannot read strfry at ${config.relayUrl}: ${errorMessage(error)}`, "start strfry, or set relayUrl to where strfry listens");
  }
  const db = openDatabase(path, { migrate: false });
  let indexed: string[];
  try {
    indexed = acceptedIndex(db).storedIds(repositoryKinds);
  } finally {
    db.close();
  }
  const missing = [...inStrfry].filter((id) => !indexed.includes(id)).length;
  const gone = indexed.filter((id) => !inStrfry.has(id)).length;
  return missing === 0 && gone === 0
    ? pass("index", `agrees with strfry on ${inStrfry.size} announcements and states`)
    : fail("index", `${missing} announcements and states in strfry are not in the index, ${gone} in the index are not in strfry`, `run ${commandLine(config.configFile, "reindex")}${config.accounts.strfryUser === undefined ? "" : ` (as root or ${config.accounts.strfryUser})`}`);
}

/** With a config that names the deployment's users: each user's access, decided from the file modes. */
function accessChecks(config: Config): Check[] {
  const { strfryUser, gitUser, group } = config.accounts;
  if (strfryUser === undefined && gitUser === undefined && group === undefined) return [];
  const accounts = readAccounts();
  const { check, users } = usersCheck(config, accounts);
  if (users === undefined) return [check];
  return [
    check,
    storeAccessCheck(config, users, accounts),
    socketAccessCheck(config, users, accounts),
    repositoryAccessCheck(config, users, accounts, (path) => readFileSync(path, "utf8")),
  ];
}

/** strfry starts the policy on its first event: send one and wait for the daemon, if it is not up. */
async function wake(config: Config): Promise<void> {
  const socket = daemonSocketPath(config);
  if ((await askDaemon(socket, { op: "ping" }, 2000)).ok) return;
  await wakePolicy(config.relayUrl);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !(await askDaemon(socket, { op: "ping" }, 2000)).ok) await sleep(100);
}

export interface DoctorOptions {
  /** Send a throwaway event first, so that strfry starts the policy process. */
  wake?: boolean;
}

export async function runChecks(configPath: string | undefined, options: DoctorOptions = {}): Promise<Check[]> {
  let config: Config;
  try {
    config = loadConfig({ configPath });
  } catch (error) {
    return [fail("config", errorMessage(error), "fix the setting named above")];
  }
  if (options.wake) await wake(config);
  const socket = daemonSocketPath(config);
  return [
    pass("config", config.configFile === undefined ? "valid (from the environment)" : `valid (${config.configFile})`),
    await writableDirectory("git root", config.gitRoot, "gitRoot"),
    await writableDirectory("data directory", config.dataDir, "dataDir"),
    ...accessChecks(config),
    socketPermissions(socket),
    await daemonAnswers(config, socket),
    schemaIsCurrent(config),
    await hooksInstalled(config),
    config.releaseSink.kind === "websocket" ? await relayAnswers(config.relayUrl) : await importCommandExists(config.releaseSink.command),
    await indexAgreesWithStrfry(config),
    ...(config.publicUrl === undefined ? [] : await frontChecks(config, config.publicUrl)),
  ];
}

export function formatChecks(checks: readonly Check[]): string {
  return checks
    .map((check) => `${check.ok ? "PASS" : "FAIL"}  ${check.name}: ${check.detail}${check.fix === undefined ? "" : `\n      fix: ${check.fix}`}`)
    .join("\n");
}

export function registerDoctorCommand(program: Command): void {
  program
    .command("doctor")
    .description(
      "Check the deployment: config, directories, both users' access (strfryUser, gitUser), socket, daemon, store schema, hooks, the release sink, the index against strfry, and what clients get through nginx (publicUrl).",
    )
    .option("--wake", "first send the relay a throwaway event, so that strfry starts the policy process (and its daemon)")
    .option("--json", "print {ok, checks: [{name, ok, detail, fix}]} for scripts")
    .addHelpText("after", "\nExample:\n  grasp-purgatory --config /etc/grasp-purgatory.json doctor --wake")
    .action(async (options: { json?: boolean; wake?: boolean }, command: Command) => {
      const checks = await runChecks(command.optsWithGlobals<{ config?: string }>().config, { wake: options.wake === true });
      const failed = checks.filter((check) => !check.ok).length;
      // `fix` is null, not absent, on a passing check: the documented shape has every key.
      if (options.json) printJson({ ok: failed === 0, checks: checks.map((check) => ({ ...check, fix: check.fix ?? null })) });
      else process.stdout.write(formatChecks(checks) + "\n");
      if (failed > 0) throw new GraspError(`${failed} check(s) failed`, ExitCode.failure);
    });
}
