// `grasp-purgatory dev` (the local GRASP server, `npm start`) and `grasp-purgatory dev import`
// (its `strfry import`). Thin: options in, the server or the import from src/dev, URLs out.

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { InvalidArgumentError } from "commander";
import type { Command } from "commander";
import { cliPath } from "../paths.js";
import { openEventStore } from "../dev/event-store.js";
import { importEvents } from "../dev/import-events.js";
import type { ImportSummary } from "../dev/import-events.js";
import { devPaths, startDevServer } from "../dev/server.js";
import type { DevServer } from "../dev/server.js";
import { defaultPluginTimeoutSeconds } from "../dev/strfry-defaults.js";

interface DevOptions {
  host: string;
  port: number;
  data: string;
  plugin: string;
  pluginTimeout: number;
}

function shellWord(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** This installation's own policy process, as strfry would be configured to run it. */
export const defaultPluginCommand = `${shellWord(cliPath)} policy`;

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError("give a port from 0 to 65535 (0 picks a free one)");
  return port;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError("give a number of seconds above 0, e.g. 10");
  return seconds;
}

export function describeServer(server: Pick<DevServer, "httpUrl" | "relayUrl" | "gitRoot" | "storePath" | "configPath">, plugin: string): string {
  return [
    "grasp-purgatory dev: a local GRASP server",
    `  relay:      ${server.relayUrl}`,
    `  http:       ${server.httpUrl}`,
    `  clone URLs: ${server.httpUrl}/<npub>/<d>.git`,
    `  git root:   ${server.gitRoot}`,
    `  relay data: ${server.storePath}`,
    `  plugin:     ${plugin}`,
    `  operator:   grasp-purgatory --config ${server.configPath} list   (also show, stats, doctor, ...)`,
    "Announce a repository (kind 30617) with the clone URL in its clone tag and the relay in its relays tag. Ctrl-C stops.",
    `listening on ${server.httpUrl}`,
    "",
  ].join("\n");
}

export function describeImport(summary: ImportSummary): string {
  return `read ${summary.processed} events: ${summary.added} added, ${summary.duplicates} already stored, ${summary.rejected} rejected`;
}

function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

export async function runDevServer(options: DevOptions): Promise<void> {
  const server = await startDevServer({
    host: options.host,
    port: options.port,
    dataDir: options.data,
    pluginCommand: options.plugin,
    pluginTimeoutSeconds: options.pluginTimeout,
  });
  const stopped = untilStopSignal();
  process.stdout.write(describeServer(server, options.plugin));
  const signal = await stopped;
  process.stderr.write(`grasp-purgatory dev: ${signal}, stopping\n`);
  await server.close();
}

export async function runDevImport(dataDir: string, input: NodeJS.ReadableStream): Promise<ImportSummary> {
  const { storePath } = devPaths(dataDir);
  mkdirSync(dirname(storePath), { recursive: true });
  const store = openEventStore(storePath);
  try {
    return await importEvents(createInterface({ input, crlfDelay: Infinity }), store, () => Math.floor(Date.now() / 1000));
  } finally {
    store.close();
  }
}

export function registerDevCommand(program: Command): void {
  const dev = program
    .command("dev")
    .description("Run a complete local GRASP server: nostr relay, write policy and git smart HTTP on one port.")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0 picks a free port)", parsePort, 7777)
    .option("--data <dir>", "data directory: git repositories in <dir>/git, policy data in <dir>/data, relay events in <dir>/relay.sqlite", ".grasp-dev")
    .option("--plugin <command>", "strfry write-policy plugin command, run with /bin/sh -c", defaultPluginCommand)
    .option("--plugin-timeout <seconds>", "seconds to wait for each plugin answer (strfry's writePolicy.timeoutSeconds)", parseSeconds, defaultPluginTimeoutSeconds)
    .addHelpText("after", "\nExample:\n  grasp-purgatory dev --port 7777 --data .grasp-dev")
    .action(async (options: DevOptions) => {
      await runDevServer(options);
    });

  dev
    .command("import")
    .description("Write JSON events from stdin (one per line) straight into the dev relay's store, without the write policy (like `strfry import`).")
    .addHelpText("after", "\nThe store is the one of `dev --data <dir>` (default .grasp-dev):\n  grasp-purgatory dev import --data .grasp-dev < events.jsonl")
    .action(async (_options, command: Command) => {
      const { data } = command.parent!.opts<DevOptions>();
      const summary = await runDevImport(data, process.stdin);
      process.stdout.write(`${describeImport(summary)}\n`);
    });
}
