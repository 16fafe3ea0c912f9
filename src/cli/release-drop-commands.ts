// `grasp-purgatory release <id>` asks the daemon to re-check git and release one entry now;
// `grasp-purgatory drop <id>` removes one on purpose.

import { join } from "node:path";
import type { Command } from "commander";
import type { Config } from "../config.js";
import { daemonSocketPath } from "../config.js";
import { ExitCode, GraspError } from "../errors.js";
import { readRef, updateRefs } from "../git/refs.js";
import { assertInsideGitRoot } from "../git/repository-path.js";
import { readAnnouncement } from "../nostr/nip34.js";
import { askDaemon } from "../plugin/daemon-client.js";
import { jobs } from "../purgatory/jobs.js";
import { printJson, shortId } from "./format.js";
import { configOf } from "./global-options.js";
import { findEntryOrHistory } from "./show-command.js";
import { withStore } from "./store-access.js";

export interface ReleaseOutcome {
  id: string;
  released: boolean;
  /** When not released: what is still missing, in words. */
  missing: string[];
}

const daemonWaitMs = 30_000;

export async function releaseEntry(config: Config, id: string): Promise<ReleaseOutcome> {
  const { id: fullId, entry } = await withStore(config, (store) => findEntryOrHistory(store, id));
  if (entry === undefined) throw new GraspError(`${shortId(fullId)} is no longer in the purgatory (see \`grasp-purgatory show ${shortId(fullId)}\`)`, ExitCode.notFound);
  if (entry.type === "placeholder") {
    throw new GraspError(`${shortId(fullId)} is a placeholder: it completes when its PR event arrives; use drop to remove it`, ExitCode.usage);
  }
  const answer = await askDaemon(daemonSocketPath(config), { op: "release-event", id: fullId }, daemonWaitMs);
  if (!answer.ok) throw new GraspError(`cannot release ${shortId(fullId)}: ${answer.error}`, ExitCode.unavailable);
  const released = ((answer.released as string[] | undefined) ?? []).includes(fullId);
  const failed = (answer.failed as { id: string; message: string }[] | undefined) ?? [];
  const dropped = ((answer.dropped as string[] | undefined) ?? []).includes(fullId);
  const missing = released ? [] : dropped ? ["nothing: it was older than an accepted state and was dropped"] : [...failed.map((failure) => `delivery: ${failure.message}`), ...entry.waitingFor];
  return { id: fullId, released, missing };
}

export interface DropOutcome {
  id: string;
  type: string;
}

export async function dropEntry(config: Config, id: string): Promise<DropOutcome> {
  return withStore(config, async (store) => {
    const { id: fullId, entry } = await findEntryOrHistory(store, id);
    if (entry === undefined) throw new GraspError(`${shortId(fullId)} is no longer in the purgatory`, ExitCode.notFound);
    const now = Math.floor(Date.now() / 1000);
    if (entry.type === "placeholder") {
      const repository = entry.repositories[0]!;
      const path = join(config.gitRoot, repository);
      assertInsideGitRoot(config.gitRoot, path);
      const ref = `refs/nostr/${fullId}`;
      if (entry.tip !== undefined && (await readRef(path, ref)) === entry.tip) await updateRefs(path, [{ ref, oid: undefined }]);
      store.purgatory.removePlaceholder(fullId, repository, "dropped", now);
    } else {
      const held = store.purgatory.heldEvent(fullId);
      store.purgatory.remove(fullId, "dropped", now, "by the operator");
      if (held !== undefined && entry.type === "announcement") {
        // The daemon removes the repository unless it received data or is announced again.
        const { owner, identifier } = readAnnouncement(held.event);
        jobs(store.db).enqueue(fullId, [{ type: "remove-unused-repository", owner, identifier }], true, now);
      }
    }
    return { id: fullId, type: entry.type };
  });
}

export function registerReleaseAndDropCommands(program: Command): void {
  program
    .command("release")
    .description("Re-check git now and release one held event if its data is complete; otherwise say what is missing.")
    .argument("<id>", "event id (or an unambiguous prefix)")
    .option("--json", "print {id, released, missing} for scripts")
    .addHelpText("after", "\nExample:\n  grasp-purgatory release 3f2a9c1e\n\nNeeds the daemon (the running policy process) to deliver the event to the relay.")
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const outcome = await releaseEntry(configOf(command), id);
      if (options.json) printJson(outcome);
      else if (outcome.released) process.stdout.write(`released ${outcome.id}\n`);
      else process.stdout.write(`not released: ${outcome.id} still waits for:\n${outcome.missing.map((line) => `  ${line}`).join("\n")}\n`);
      if (!outcome.released) throw new GraspError(`${shortId(outcome.id)} was not released: its data is not complete`, ExitCode.failure);
    });
  program
    .command("drop")
    .description("Remove one entry from the purgatory on purpose (a placeholder's refs/nostr ref too); recorded as dropped.")
    .argument("<id>", "event id (or an unambiguous prefix)")
    .option("--json", "print {id, type} for scripts")
    .addHelpText("after", "\nExample:\n  grasp-purgatory drop 3f2a9c1e")
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const outcome = await dropEntry(configOf(command), id);
      if (options.json) printJson(outcome);
      else process.stdout.write(`dropped ${outcome.type} ${outcome.id}\n`);
    });
}
