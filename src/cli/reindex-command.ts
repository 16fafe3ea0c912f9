// `grasp-purgatory reindex`: builds or repairs the index from strfry's store, for a policy
// installed on a relay that already holds repositories, or after purgatory.sqlite was lost.

import type { Command } from "commander";
import type { Config } from "../config.js";
import { ExitCode, GraspError } from "../errors.js";
import { errorMessage } from "../log.js";
import { openPurgatoryContext } from "../plugin/purgatory-context.js";
import { reindex, relaySource, scanCommandSource } from "../plugin/reindex.js";
import type { ReindexReport } from "../plugin/reindex.js";
import { printJson } from "./format.js";
import { configOf } from "./global-options.js";

export async function runReindex(config: Config, scanCommand: string | undefined, onProgress: (events: number) => void): Promise<ReindexReport> {
  const context = openPurgatoryContext(config);
  const from = scanCommand === undefined ? `the relay at ${config.relayUrl}` : scanCommand;
  try {
    return await reindex(context, scanCommand === undefined ? relaySource(config.relayUrl) : scanCommandSource(scanCommand), onProgress);
  } catch (error) {
    throw new GraspError(`cannot read strfry's events from ${from}: ${errorMessage(error)}; is strfry running (relayUrl), or give --scan`, ExitCode.unavailable);
  } finally {
    context.close();
  }
}

export function registerReindexCommand(program: Command): void {
  program
    .command("reindex")
    .description("Build or repair the index of accepted events from what strfry stores (idempotent).")
    .option("--scan <command>", 'read strfry with this command and a filter instead of REQs on relayUrl, e.g. "strfry --config /etc/strfry.conf scan"')
    .option("--json", "print {events, forgotten, released} for scripts")
    .addHelpText(
      "after",
      `
Examples:
  grasp-purgatory --config /etc/grasp-purgatory.json reindex
  grasp-purgatory --config /etc/grasp-purgatory.json reindex --scan "strfry --config /etc/strfry.conf scan"

Over the websocket strfry returns at most 500 events per request; more than 500 events with
one created_at second are only all read with --scan.`,
    )
    .action(async (options: { scan?: string; json?: boolean }, command: Command) => {
      let reported = 0;
      const report = await runReindex(configOf(command), options.scan, (events) => {
        if (events - reported < 5000) return;
        reported = events;
        process.stderr.write(`reindex: ${events} events read\n`);
      });
      if (options.json) printJson(report);
      else process.stdout.write(`reindexed ${report.events} events from strfry; forgot ${report.forgotten} it no longer has; released ${report.released} held events it already had\n`);
    });
}
