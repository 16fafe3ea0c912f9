// The one configuration loader, shared by the policy process, the hooks, the CLI and the
// development server. Settings come from a JSON file (--config or GRASP_PURGATORY_CONFIG),
// then environment variables override them one by one. strfry starts the plugin with its
// own environment and working directory, so both ways must work.

import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "./errors.js";

export interface ServiceAddress {
  /** Lower-case host name, as announcements must list it. */
  hostname: string;
  /** An explicit port; undefined means the default port of whatever scheme a URL uses. */
  port: number | undefined;
}

export interface Config {
  service: ServiceAddress;
  gitRoot: string;
  dataDir: string;
  purgatoryTtlSeconds: number;
  /** strfry's websocket: the follower reads what strfry stored there; the websocket sink publishes there. */
  relayUrl: string;
  /** How held events reach strfry when their data arrives. */
  releaseSink: ReleaseSinkConfig;
  sweepIntervalSeconds: number;
  /** How long the purgatory's history is kept. */
  historyRetentionDays: number;
  /** What one anonymous client can make the server hold, create or check. */
  limits: Limits;
  /** Where clients reach the server through nginx (`https://git.example.com`); `doctor` checks it. */
  publicUrl: string | undefined;
  /** The two-user deployment (`grasp-purgatory deploy`): who runs strfry, who runs git, their group. */
  accounts: DeploymentAccounts;
  /** Where the settings came from, for error messages and `doctor`. */
  configFile: string | undefined;
}

export interface DeploymentAccounts {
  /** strfry's user, and so the policy process's and the daemon's. */
  strfryUser: string | undefined;
  /** The user fcgiwrap runs git http-backend as, and so the hooks. */
  gitUser: string | undefined;
  /** The group both share: the store, the socket and the repositories are group-writable. */
  group: string | undefined;
}

export interface Limits {
  /** `refs/nostr/<id>` refs one push may create before their PR event is known. */
  placeholdersPerPush: number;
  /** Such placeholders one repository may have at once. */
  placeholdersPerRepository: number;
  /** Events one author may have waiting in the purgatory. */
  heldPerAuthor: number;
  /** Events waiting for one repository identifier (`d`), whoever wrote them. */
  heldPerRepository: number;
  /** New repositories (held announcements) one author may make in an hour. */
  newRepositoriesPerAuthorPerHour: number;
  /** The size of an event we hold, as JSON. */
  heldEventBytes: number;
  /** Repositories one state is checked against and kept in sync with. */
  repositoriesPerState: number;
}

export type ReleaseSinkConfig =
  /** Re-publish over the relay's websocket (relayUrl); the event passes through the policy again. */
  | { kind: "websocket" }
  /** Pipe JSON lines into a command such as `strfry import` (needed for NIP-70 protected events). */
  | { kind: "import"; command: string };

export const configFileEnv = "GRASP_PURGATORY_CONFIG";

interface SettingSpec {
  key: keyof ConfigFile;
  env: string;
  example: string;
}

interface ConfigFile {
  serviceHost?: unknown;
  gitRoot?: unknown;
  dataDir?: unknown;
  purgatoryTtlSeconds?: unknown;
  releaseSink?: unknown;
  relayUrl?: unknown;
  importCommand?: unknown;
  sweepIntervalSeconds?: unknown;
  historyRetentionDays?: unknown;
  publicUrl?: unknown;
  strfryUser?: unknown;
  gitUser?: unknown;
  group?: unknown;
  maxPlaceholdersPerPush?: unknown;
  maxPlaceholdersPerRepository?: unknown;
  maxHeldPerAuthor?: unknown;
  maxHeldPerRepository?: unknown;
  maxNewRepositoriesPerAuthorPerHour?: unknown;
  maxHeldEventBytes?: unknown;
  maxRepositoriesPerState?: unknown;
}

const settings = {
  serviceHost: { key: "serviceHost", env: "GRASP_PURGATORY_SERVICE_HOST", example: "git.example.com or 127.0.0.1:7777" },
  gitRoot: { key: "gitRoot", env: "GRASP_PURGATORY_GIT_ROOT", example: "/var/lib/grasp/git" },
  dataDir: { key: "dataDir", env: "GRASP_PURGATORY_DATA_DIR", example: "/var/lib/grasp/data" },
  purgatoryTtlSeconds: { key: "purgatoryTtlSeconds", env: "GRASP_PURGATORY_TTL_SECONDS", example: "1800" },
  releaseSink: { key: "releaseSink", env: "GRASP_PURGATORY_RELEASE_SINK", example: "websocket or import" },
  relayUrl: { key: "relayUrl", env: "GRASP_PURGATORY_RELAY_URL", example: "ws://127.0.0.1:7777" },
  importCommand: { key: "importCommand", env: "GRASP_PURGATORY_IMPORT_COMMAND", example: "strfry --config /etc/strfry.conf import" },
  sweepIntervalSeconds: { key: "sweepIntervalSeconds", env: "GRASP_PURGATORY_SWEEP_SECONDS", example: "60" },
  historyRetentionDays: { key: "historyRetentionDays", env: "GRASP_PURGATORY_HISTORY_DAYS", example: "30" },
  publicUrl: { key: "publicUrl", env: "GRASP_PURGATORY_PUBLIC_URL", example: "https://git.example.com" },
  strfryUser: { key: "strfryUser", env: "GRASP_PURGATORY_STRFRY_USER", example: "grasp-relay" },
  gitUser: { key: "gitUser", env: "GRASP_PURGATORY_GIT_USER", example: "grasp-git" },
  group: { key: "group", env: "GRASP_PURGATORY_GROUP", example: "grasp" },
  maxPlaceholdersPerPush: { key: "maxPlaceholdersPerPush", env: "GRASP_PURGATORY_MAX_PLACEHOLDERS_PER_PUSH", example: "10" },
  maxPlaceholdersPerRepository: { key: "maxPlaceholdersPerRepository", env: "GRASP_PURGATORY_MAX_PLACEHOLDERS_PER_REPOSITORY", example: "100" },
  maxHeldPerAuthor: { key: "maxHeldPerAuthor", env: "GRASP_PURGATORY_MAX_HELD_PER_AUTHOR", example: "100" },
  maxHeldPerRepository: { key: "maxHeldPerRepository", env: "GRASP_PURGATORY_MAX_HELD_PER_REPOSITORY", example: "200" },
  maxNewRepositoriesPerAuthorPerHour: { key: "maxNewRepositoriesPerAuthorPerHour", env: "GRASP_PURGATORY_MAX_NEW_REPOSITORIES_PER_HOUR", example: "10" },
  maxHeldEventBytes: { key: "maxHeldEventBytes", env: "GRASP_PURGATORY_MAX_HELD_EVENT_BYTES", example: "65536" },
  maxRepositoriesPerState: { key: "maxRepositoriesPerState", env: "GRASP_PURGATORY_MAX_REPOSITORIES_PER_STATE", example: "32" },
} satisfies Record<keyof ConfigFile, SettingSpec>;

/** Safe defaults: generous for a person with ngit, small for a script. */
export const defaultLimits: Limits = {
  placeholdersPerPush: 10,
  placeholdersPerRepository: 100,
  heldPerAuthor: 100,
  heldPerRepository: 200,
  newRepositoriesPerAuthorPerHour: 10,
  heldEventBytes: 65_536,
  repositoriesPerState: 32,
};

export const defaultPurgatoryTtlSeconds = 30 * 60;

/** Where a config file is looked for when none is named, in this order (relative to the working directory). */
export const defaultConfigFiles: readonly string[] = ["/etc/grasp-purgatory.json", ".grasp-dev/config.json"];

export interface LoadConfigOptions {
  configPath?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Default: defaultConfigFiles. */
  defaultConfigFiles?: readonly string[];
}

/**
 * The first default config file that exists, when neither --config nor GRASP_PURGATORY_CONFIG
 * names one and the environment gives none of the required settings: the processes we start
 * (the hooks, dev's plugin) carry their settings in the environment and must not pick up a
 * file from wherever they run.
 */
function discoverConfigFile(env: NodeJS.ProcessEnv, cwd: string, candidates: readonly string[]): string | undefined {
  const required = [settings.serviceHost, settings.gitRoot, settings.dataDir];
  if (required.some((spec) => nonEmpty(env[spec.env]) !== undefined)) return undefined;
  return candidates.map((candidate) => resolve(cwd, candidate)).find((path) => existsSync(path));
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const configPath = options.configPath ?? nonEmpty(env[configFileEnv]) ?? discoverConfigFile(env, cwd, options.defaultConfigFiles ?? defaultConfigFiles);
  const configFile = configPath === undefined ? undefined : resolve(cwd, configPath);
  const fileValues = configFile === undefined ? {} : readConfigFile(configFile);
  const fileDir = configFile === undefined ? cwd : dirname(configFile);

  // A value from the environment is relative to the working directory, one from the file to the file.
  const lookup = (spec: SettingSpec): { value: string; base: string } | undefined => {
    const fromEnv = nonEmpty(env[spec.env]);
    if (fromEnv !== undefined) return { value: fromEnv, base: cwd };
    const fromFile = fileValues[spec.key];
    if (fromFile === undefined || fromFile === null || fromFile === "") return undefined;
    if (typeof fromFile !== "string" && typeof fromFile !== "number") {
      throw new ConfigError(`setting ${spec.key} in ${configFile} must be a string or a number, e.g. ${spec.example}`);
    }
    return { value: String(fromFile), base: fileDir };
  };
  const required = (spec: SettingSpec) => {
    const found = lookup(spec);
    if (found === undefined) {
      throw new ConfigError(
        `setting ${spec.key} is missing: set "${spec.key}" in the config file (--config or ${configFileEnv}) or ${spec.env}, e.g. ${spec.example}`,
      );
    }
    return found;
  };

  const serviceHost = required(settings.serviceHost).value;
  const gitRoot = required(settings.gitRoot);
  const dataDir = required(settings.dataDir);
  const ttl = lookup(settings.purgatoryTtlSeconds);
  const sweep = lookup(settings.sweepIntervalSeconds);
  const history = lookup(settings.historyRetentionDays);
  const service = parseServiceHost(serviceHost);

  return {
    service,
    gitRoot: absolutePath(gitRoot.value, gitRoot.base),
    dataDir: absolutePath(dataDir.value, dataDir.base),
    purgatoryTtlSeconds: ttl === undefined ? defaultPurgatoryTtlSeconds : parseSeconds(settings.purgatoryTtlSeconds, ttl.value),
    relayUrl: readRelayUrl(lookup, service),
    releaseSink: readReleaseSink(lookup, required),
    sweepIntervalSeconds: sweep === undefined ? 60 : parseSeconds(settings.sweepIntervalSeconds, sweep.value),
    historyRetentionDays: history === undefined ? 30 : parseWhole(settings.historyRetentionDays, history.value, "days"),
    limits: readLimits(lookup),
    publicUrl: readPublicUrl(lookup, service),
    accounts: {
      strfryUser: readAccountName(lookup, settings.strfryUser),
      gitUser: readAccountName(lookup, settings.gitUser),
      group: readAccountName(lookup, settings.group),
    },
    configFile,
  };
}

export function databasePath(config: Pick<Config, "dataDir">): string {
  return join(config.dataDir, "purgatory.sqlite");
}

export function daemonSocketPath(config: Pick<Config, "dataDir">): string {
  return join(config.dataDir, "daemon.sock");
}

/** "host[:port]" as operators write it; a scheme or a path is a mistake worth naming. */
export function parseServiceHost(value: string): ServiceAddress {
  const bad = (why: string) =>
    new ConfigError(`setting serviceHost "${value}" ${why}: give the public host[:port] only, e.g. ${settings.serviceHost.example}`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw bad("has a scheme");
  if (/[/?#@]/.test(value)) throw bad("has more than a host and port");
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(value);
  if (match === null) throw bad("is not a host name with an optional :port");
  if (/^\d+$/.test(match[1]!)) throw bad("is a number, not a host name");
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65535)) throw bad("has a port outside 1-65535");
  let hostname: string;
  try {
    hostname = new URL(`http://${match[1]}`).hostname;
  } catch {
    throw bad("is not a host name");
  }
  return { hostname: hostname.toLowerCase(), port };
}

export function formatServiceHost(service: ServiceAddress): string {
  return service.port === undefined ? service.hostname : `${service.hostname}:${service.port}`;
}

function parseSeconds(spec: SettingSpec, value: string): number {
  return parseWhole(spec, value, "seconds");
}

function parseWhole(spec: SettingSpec, value: string, unit: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw new ConfigError(`setting ${spec.key} "${value}" must be a whole number${unit === "" ? "" : ` of ${unit}`} above 0, e.g. ${spec.example}`);
  }
  return number;
}

type Lookup = (spec: SettingSpec) => { value: string } | undefined;

function readLimits(lookup: Lookup): Limits {
  const limit = (spec: SettingSpec, fallback: number) => {
    const found = lookup(spec);
    return found === undefined ? fallback : parseWhole(spec, found.value, "");
  };
  return {
    placeholdersPerPush: limit(settings.maxPlaceholdersPerPush, defaultLimits.placeholdersPerPush),
    placeholdersPerRepository: limit(settings.maxPlaceholdersPerRepository, defaultLimits.placeholdersPerRepository),
    heldPerAuthor: limit(settings.maxHeldPerAuthor, defaultLimits.heldPerAuthor),
    heldPerRepository: limit(settings.maxHeldPerRepository, defaultLimits.heldPerRepository),
    newRepositoriesPerAuthorPerHour: limit(settings.maxNewRepositoriesPerAuthorPerHour, defaultLimits.newRepositoriesPerAuthorPerHour),
    heldEventBytes: limit(settings.maxHeldEventBytes, defaultLimits.heldEventBytes),
    repositoriesPerState: limit(settings.maxRepositoriesPerState, defaultLimits.repositoriesPerState),
  };
}

function readReleaseSink(lookup: Lookup, required: Lookup): ReleaseSinkConfig {
  const kind = lookup(settings.releaseSink)?.value ?? "websocket";
  if (kind === "import") return { kind, command: required(settings.importCommand)!.value };
  if (kind !== "websocket") {
    throw new ConfigError(`setting releaseSink "${kind}" is unknown: use ${settings.releaseSink.example}`);
  }
  return { kind };
}

function readRelayUrl(lookup: Lookup, service: ServiceAddress): string {
  const relayUrl = lookup(settings.relayUrl)?.value ?? `ws://${formatServiceHost(service)}`;
  if (!/^wss?:\/\/[^/\s]+/.test(relayUrl)) {
    throw new ConfigError(`setting relayUrl "${relayUrl}" is not a ws:// or wss:// URL, e.g. ${settings.relayUrl.example}`);
  }
  return relayUrl;
}

/** The public URL must name the service host: it is what announcements list. */
function readPublicUrl(lookup: Lookup, service: ServiceAddress): string | undefined {
  const value = lookup(settings.publicUrl)?.value;
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`setting publicUrl "${value}" is not a URL, e.g. ${settings.publicUrl.example}`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.pathname !== "/" || url.search !== "" || url.username !== "") {
    throw new ConfigError(`setting publicUrl "${value}" must be http(s)://host[:port] without a path, e.g. ${settings.publicUrl.example}`);
  }
  const serviceHost = formatServiceHost(service);
  if (url.host !== serviceHost) {
    throw new ConfigError(`setting publicUrl "${value}" names ${url.host}, but serviceHost is ${serviceHost}: clients use both, make them the same host[:port]`);
  }
  return `${url.protocol}//${url.host}`;
}

function readAccountName(lookup: Lookup, spec: SettingSpec): string | undefined {
  const value = lookup(spec)?.value;
  if (value !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/i.test(value)) {
    throw new ConfigError(`setting ${spec.key} "${value}" is not a user or group name, e.g. ${spec.example}`);
  }
  return value;
}

function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read the config file ${path} (${(error as NodeJS.ErrnoException).code ?? error}): fix --config or ${configFileEnv}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`the config file ${path} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`the config file ${path} must hold a JSON object of settings`);
  }
  const known = new Set(Object.keys(settings));
  const unknown = Object.keys(parsed).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new ConfigError(`the config file ${path} has unknown settings ${unknown.join(", ")}: known ones are ${[...known].join(", ")}`);
  }
  return parsed as ConfigFile;
}

function absolutePath(value: string, base: string): string {
  return isAbsolute(value) ? value : resolve(base, value);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** The settings as environment variables, for processes we start (the hooks) that cannot read our flags. */
export function settingsEnvironment(config: Config): Record<string, string> {
  return {
    [settings.serviceHost.env]: formatServiceHost(config.service),
    [settings.gitRoot.env]: config.gitRoot,
    [settings.dataDir.env]: config.dataDir,
    [settings.purgatoryTtlSeconds.env]: String(config.purgatoryTtlSeconds),
    [settings.sweepIntervalSeconds.env]: String(config.sweepIntervalSeconds),
    [settings.historyRetentionDays.env]: String(config.historyRetentionDays),
    [settings.maxPlaceholdersPerPush.env]: String(config.limits.placeholdersPerPush),
    [settings.maxPlaceholdersPerRepository.env]: String(config.limits.placeholdersPerRepository),
    [settings.maxHeldPerAuthor.env]: String(config.limits.heldPerAuthor),
    [settings.maxHeldPerRepository.env]: String(config.limits.heldPerRepository),
    [settings.maxNewRepositoriesPerAuthorPerHour.env]: String(config.limits.newRepositoriesPerAuthorPerHour),
    [settings.maxHeldEventBytes.env]: String(config.limits.heldEventBytes),
    [settings.maxRepositoriesPerState.env]: String(config.limits.repositoriesPerState),
    [settings.relayUrl.env]: config.relayUrl,
    ...optionalSettings([
      [settings.publicUrl, config.publicUrl],
      [settings.strfryUser, config.accounts.strfryUser],
      [settings.gitUser, config.accounts.gitUser],
      [settings.group, config.accounts.group],
    ]),
    ...(config.releaseSink.kind === "websocket"
      ? { [settings.releaseSink.env]: "websocket" }
      : { [settings.releaseSink.env]: "import", [settings.importCommand.env]: config.releaseSink.command }),
  };
}

function optionalSettings(values: readonly [SettingSpec, string | undefined][]): Record<string, string> {
  return Object.fromEntries(values.filter((entry): entry is [SettingSpec, string] => entry[1] !== undefined).map(([spec, value]) => [spec.env, value]));
}
