// `grasp-purgatory dev`: a whole GRASP server on one host:port, assembled the way production
// is (strfry's relay with the write-policy plugin, git http-backend behind the same port),
// with everything kept under one data directory.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { ExitCode, GraspError } from "../errors.js";
import { log } from "../log.js";
import { projectRoot } from "../paths.js";
import { openEventStore } from "./event-store.js";
import { httpHandler } from "./http-handler.js";
import { startRelay } from "./relay.js";
import { writePolicyPlugin } from "./write-policy-plugin.js";

export interface DevServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  /** A strfry write-policy plugin command, run with /bin/sh -c. */
  pluginCommand: string;
  pluginTimeoutSeconds: number;
  /** The environment the plugin and git inherit; defaults to this process's. */
  env?: NodeJS.ProcessEnv;
}

export interface DevPaths {
  /** The settings the plugin runs with, as a config file for the operator CLI. */
  configPath: string;
  gitRoot: string;
  /** The policy plugin's data directory (its purgatory database and socket). */
  pluginDataDir: string;
  /** The relay's event store, what `dev import` writes to. */
  storePath: string;
}

export interface DevServer extends DevPaths {
  httpUrl: string;
  relayUrl: string;
  close(): Promise<void>;
}

export function devPaths(dataDir: string): DevPaths {
  const root = resolve(dataDir);
  return {
    configPath: join(root, "config.json"),
    gitRoot: join(root, "git"),
    pluginDataDir: join(root, "data"),
    storePath: join(root, "relay.sqlite"),
  };
}

/** host:port as it appears in URLs and in GRASP_PURGATORY_SERVICE_HOST (IPv6 in brackets). */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

export interface ServiceSettings {
  hostPort: string;
  gitRoot: string;
  pluginDataDir: string;
  relayUrl: string;
}

/** The plugin's and the hooks' settings, overriding whatever the environment already had. */
export function serviceEnvironment(base: NodeJS.ProcessEnv, settings: ServiceSettings): NodeJS.ProcessEnv {
  return {
    ...base,
    GRASP_PURGATORY_SERVICE_HOST: settings.hostPort,
    GRASP_PURGATORY_GIT_ROOT: settings.gitRoot,
    GRASP_PURGATORY_DATA_DIR: settings.pluginDataDir,
    GRASP_PURGATORY_RELAY_URL: settings.relayUrl,
  };
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version?: unknown };
  return typeof manifest.version === "string" ? manifest.version : "unknown";
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolveListen, rejectListen) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const fix = error.code === "EADDRINUSE" ? ": choose another with --port, or --port 0 for any free port" : "";
      rejectListen(new GraspError(`cannot listen on ${hostPort(host, port)} (${error.code ?? error.message})${fix}`, ExitCode.unavailable));
    });
    server.listen(port, host, () => resolveListen());
  });
}

/** How often the relay looks for rows `dev import` wrote (strfry notices within about 100 ms). */
const storePollIntervalMs = 50;

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const paths = devPaths(options.dataDir);
  mkdirSync(paths.gitRoot, { recursive: true });
  mkdirSync(paths.pluginDataDir, { recursive: true });

  // Read first: whatever cannot be read or opened must stop us before we listen.
  const version = packageVersion();
  const store = openEventStore(paths.storePath);
  const server = createServer({ requestTimeout: 0 });
  try {
    await listen(server, options.host, options.port);
  } catch (error) {
    store.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const address = hostPort(options.host, port);
  const httpUrl = `http://${address}`;
  const relayUrl = `ws://${address}`;
  const env = serviceEnvironment(options.env ?? process.env, { hostPort: address, gitRoot: paths.gitRoot, pluginDataDir: paths.pluginDataDir, relayUrl });
  // The same settings for `grasp-purgatory --config <data>/config.json list` and friends.
  writeFileSync(
    paths.configPath,
    JSON.stringify({ serviceHost: address, gitRoot: paths.gitRoot, dataDir: paths.pluginDataDir, relayUrl }, null, 2) + "\n",
  );

  const plugin = writePolicyPlugin({ command: options.pluginCommand, env, timeoutMs: options.pluginTimeoutSeconds * 1000 });
  const now = () => Math.floor(Date.now() / 1000);
  const relay = startRelay({ store, plugin, now, pollIntervalMs: storePollIntervalMs });
  server.on("request", httpHandler({ gitRoot: paths.gitRoot, urls: { httpUrl, relayUrl }, gitEnv: env, version }));
  server.on("upgrade", (request, socket, head) => relay.handleUpgrade(request, socket, head));
  log.info("dev server listening", { httpUrl, relayUrl, plugin: options.pluginCommand, ...paths });

  return {
    ...paths,
    httpUrl,
    relayUrl,
    async close() {
      await relay.close();
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      await plugin.close();
      store.close();
    },
  };
}
