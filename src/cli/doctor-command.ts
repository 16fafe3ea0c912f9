// `grasp-purgatory doctor`: checks a deployment and says how to fix each failure.

import { constants, existsSync, statSync } from "node:fs";
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { kinds } from "nostr-tools";
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
import { printJson } from "./format.js";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when it failed. */
  fix: string | undefined;
}

const pass = (name: string, detail: string): Check => ({ name, ok: true, detail, fix: undefined });
const fail = (name: string, detail: string, fix: string): Check => ({ name, ok: false, detail, fix });

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

async function daemonAnswers(path: string): Promise<Check> {
  const answer = await askDaemon(path, { op: "ping" }, 5000);
  return answer.ok ? pass("daemon", `answers on ${path} (pid ${answer.pid})`) : fail("daemon", answer.error, "make sure strfry runs this policy process (relay.writePolicy.plugin) and has handled at least one event since it started");
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
    : fail("hooks", `${stale.length} of ${repositories.length} lack current hooks: ${stale.slice(0, 3).join(", ")}${stale.length > 3 ? ", …" : ""}`, "run grasp-purgatory install-hooks --all");
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
    : fail("index", `${missing} announcements and states in strfry are not in the index, ${gone} in the index are not in strfry`, `run grasp-purgatory${config.configFile === undefined ? "" : ` --config ${config.configFile}`} reindex`);
}

export async function runChecks(configPath: string | undefined): Promise<Check[]> {
  let config: Config;
  try {
    config = loadConfig({ configPath });
  } catch (error) {
    return [fail("config", errorMessage(error), "fix the setting named above")];
  }
  const socket = daemonSocketPath(config);
  return [
    pass("config", config.configFile === undefined ? "valid (from the environment)" : `valid (${config.configFile})`),
    await writableDirectory("git root", config.gitRoot, "gitRoot"),
    await writableDirectory("data directory", config.dataDir, "dataDir"),
    socketPermissions(socket),
    await daemonAnswers(socket),
    schemaIsCurrent(config),
    await hooksInstalled(config),
    config.releaseSink.kind === "websocket" ? await relayAnswers(config.relayUrl) : await importCommandExists(config.releaseSink.command),
    await indexAgreesWithStrfry(config),
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
    .description("Check the deployment: config, directories, socket, daemon, store schema, hooks, the release sink and the index against strfry.")
    .option("--json", "print {ok, checks: [{name, ok, detail, fix}]} for scripts")
    .addHelpText("after", "\nExample:\n  grasp-purgatory --config /etc/grasp-purgatory.json doctor")
    .action(async (options: { json?: boolean }, command: Command) => {
      const checks = await runChecks(command.optsWithGlobals<{ config?: string }>().config);
      const failed = checks.filter((check) => !check.ok).length;
      // `fix` is null, not absent, on a passing check: the documented shape has every key.
      if (options.json) printJson({ ok: failed === 0, checks: checks.map((check) => ({ ...check, fix: check.fix ?? null })) });
      else process.stdout.write(formatChecks(checks) + "\n");
      if (failed > 0) throw new GraspError(`${failed} check(s) failed`, ExitCode.failure);
    });
}
