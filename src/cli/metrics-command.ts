// `grasp-purgatory metrics`: the figures of `stats` and the daemon's liveness as Prometheus
// text, printed, written atomically to a file for node_exporter's textfile collector (the
// deployment's timer does that every minute), or served on a loopback port.

import { renameSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Command } from "commander";
import type { Config } from "../config.js";
import { daemonSocketPath } from "../config.js";
import { ExitCode, GraspError } from "../errors.js";
import { entryTypes } from "./entries.js";
import { configOf } from "./global-options.js";
import { askDaemon } from "../plugin/daemon-client.js";
import type { PurgatoryStats } from "./stats-command.js";
import { expiringSoonSeconds, readStats } from "./stats-command.js";

export interface MetricsInput {
  /** undefined when there is no store yet (no event has reached the policy). */
  stats: PurgatoryStats | undefined;
  daemonUp: boolean;
  now: number;
}

type Sample = [labels: Record<string, string>, value: number];

function family(name: string, type: "gauge" | "counter", help: string, samples: readonly Sample[]): string[] {
  const line = ([labels, value]: Sample) => {
    const rendered = Object.entries(labels).map(([key, label]) => `${key}="${label.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`))}"`);
    return `${name}${rendered.length > 0 ? `{${rendered.join(",")}}` : ""} ${value}`;
  };
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples.map(line)];
}

export function formatMetrics(input: MetricsInput): string {
  const lines = [
    ...family("grasp_purgatory_daemon_up", "gauge", "1 when the policy process's daemon answers on its socket.", [[{}, input.daemonUp ? 1 : 0]]),
    ...family("grasp_purgatory_store_up", "gauge", "1 when the purgatory's store could be read.", [[{}, input.stats === undefined ? 0 : 1]]),
  ];
  const { stats } = input;
  if (stats !== undefined) {
    const totals = stats.totals;
    lines.push(
      ...family("grasp_purgatory_entries", "gauge", "Held events and placeholders in the purgatory now, by type.", entryTypes.map((type): Sample => [{ type }, stats.byType[type] ?? 0])),
      ...family("grasp_purgatory_expiring_soon", "gauge", `Entries that expire within ${expiringSoonSeconds} seconds.`, [[{}, stats.expiringSoon]]),
      ...family("grasp_purgatory_oldest_entry_age_seconds", "gauge", "How long the oldest entry has waited (0 when the purgatory is empty).", [[{}, stats.oldest === undefined ? 0 : input.now - stats.oldest.arrivedAt]]),
      ...family("grasp_purgatory_unconfirmed_accepted", "gauge", "Accepted events strfry has not been seen to store yet (it stays near 0 while the daemon follows strfry).", [[{}, stats.pending.unconfirmed]]),
      ...family("grasp_purgatory_jobs", "gauge", "Durable jobs: ready to run, or waiting for strfry to store their event.", [
        [{ state: "ready" }, stats.pending.jobsReady],
        [{ state: "waiting" }, stats.pending.jobsWaiting],
      ]),
      ...family("grasp_purgatory_events_total", "counter", "What the purgatory did since the store was created, by outcome.", [
        [{ outcome: "held" }, totals.held],
        [{ outcome: "placeholder" }, totals.placeholders],
        [{ outcome: "released" }, totals.released],
        [{ outcome: "expired" }, totals.expired],
        [{ outcome: "dropped" }, totals.dropped],
        [{ outcome: "deleted" }, totals.deleted],
        [{ outcome: "duplicate" }, totals.duplicates],
        [{ outcome: "release_failed" }, totals.releaseFailures],
        [{ outcome: "limited" }, totals.limited],
      ]),
      ...family("grasp_purgatory_release_latency_seconds", "gauge", "Time from arrival to release over every release, by quantile (absent before the first release).",
        [
          ["0.5", stats.secondsToRelease.median],
          ["0.95", stats.secondsToRelease.p95],
        ].filter((entry): entry is [string, number] => entry[1] !== undefined).map(([quantile, value]): Sample => [{ quantile }, value]),
      ),
    );
  }
  lines.push(...family("grasp_purgatory_metrics_timestamp_seconds", "gauge", "When these figures were read (Unix time).", [[{}, input.now]]));
  return lines.join("\n") + "\n";
}

export async function readMetrics(config: Config): Promise<MetricsInput> {
  const now = Math.floor(Date.now() / 1000);
  const daemon = await askDaemon(daemonSocketPath(config), { op: "ping" }, 3000);
  let stats: PurgatoryStats | undefined;
  try {
    stats = await readStats(config, now);
  } catch (error) {
    if (!(error instanceof GraspError && error.exitCode === ExitCode.unavailable)) throw error;
  }
  return { stats, daemonUp: daemon.ok, now };
}

/** Written beside the target and renamed, so that node_exporter never reads half a file. */
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o644 });
  renameSync(temporary, path);
}

function parseListen(value: string): { host: string; port: number } {
  const match = /^(127\.0\.0\.1|localhost|\[::1\]):(\d{1,5})$/.exec(value);
  if (match === null) throw new GraspError(`--listen ${value}: give a loopback address and port, e.g. 127.0.0.1:9477`, ExitCode.usage);
  return { host: match[1]!.replace(/^\[|\]$/g, ""), port: Number(match[2]) };
}

function serve(config: Config, listen: { host: string; port: number }): Promise<void> {
  const server = createServer((request, response) => {
    if (request.url !== "/metrics") {
      response.writeHead(404, { "Content-Type": "text/plain" }).end("try /metrics\n");
      return;
    }
    readMetrics(config).then(
      (input) => response.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" }).end(formatMetrics(input)),
      (error: unknown) => response.writeHead(500, { "Content-Type": "text/plain" }).end(`${String(error)}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => {
      process.stderr.write(`grasp-purgatory metrics: serving http://${listen.host}:${listen.port}/metrics\n`);
      const stop = () => server.close(() => resolve());
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  });
}

export function registerMetricsCommand(program: Command): void {
  program
    .command("metrics")
    .description("The figures of stats and the daemon's liveness as Prometheus text: printed, written to a file (node_exporter's textfile collector) or served on loopback.")
    .option("--output <file>", "write them to this file (atomically), e.g. for node_exporter's --collector.textfile.directory")
    .option("--listen <host:port>", "serve them at http://<host:port>/metrics on a loopback address until stopped")
    .addHelpText("after", "\nExamples:\n  grasp-purgatory metrics\n  grasp-purgatory metrics --output /var/lib/grasp/metrics/grasp_purgatory.prom\n  grasp-purgatory metrics --listen 127.0.0.1:9477")
    .action(async (options: { output?: string; listen?: string }, command: Command) => {
      const config = configOf(command);
      if (options.listen !== undefined) return serve(config, parseListen(options.listen));
      const text = formatMetrics(await readMetrics(config));
      if (options.output !== undefined) writeAtomically(options.output, text);
      else process.stdout.write(text);
    });
}
