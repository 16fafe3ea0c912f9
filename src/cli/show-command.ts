// `grasp-purgatory show <id>`: everything about one entry, including its history after it
// has left the purgatory.

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { Config } from "../config.js";
import { ExitCode, GraspError } from "../errors.js";
import { readRepositoryState } from "../nostr/repository-state.js";
import { historyIdsStartingWith, historyOf } from "../purgatory/inspection.js";
import type { HistoryRecord } from "../purgatory/inspection.js";
import type { Entry } from "./entries.js";
import { findEntry, readEntries } from "./entries.js";
import { isoTime, printJson, relativeTime, shortId } from "./format.js";
import { configOf } from "./global-options.js";
import { entryJson } from "./list-command.js";
import type { EntryJson } from "./list-command.js";
import { withStore } from "./store-access.js";
import type { StoreAccess } from "./store-access.js";

export interface DeclaredRef {
  repository: string;
  ref: string;
  oid: string;
  present: boolean;
}

export interface EntryDetails {
  id: string;
  /** undefined once it has left the purgatory (released, expired, dropped). */
  entry: Entry | undefined;
  repositories: { name: string; path: string; exists: boolean }[];
  refs: DeclaredRef[];
  history: HistoryRecord[];
}

function resolveId(matches: readonly string[], id: string): string {
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new GraspError(`no entry ${id} in the purgatory or its history: check the id with \`grasp-purgatory list\``, ExitCode.notFound);
  throw new GraspError(`${id} is ambiguous (${matches.map(shortId).join(", ")}): give more of the id`, ExitCode.usage);
}

/** Finds an entry by full or short id among held entries, then in the history. */
export async function findEntryOrHistory(store: StoreAccess, id: string): Promise<{ id: string; entry: Entry | undefined }> {
  // Checked before it reaches SQL LIKE, where `_` and `%` would match any id.
  if (!/^[0-9a-f]{1,64}$/i.test(id)) throw new GraspError(`"${id}" is not an event id: give the 64-hex id or a prefix of it`, ExitCode.usage);
  const held = findEntry(await readEntries(store), id);
  if (held.length > 0) {
    const unique = resolveId([...new Set(held.map((entry) => entry.id))], id);
    return { id: unique, entry: held.find((entry) => entry.id === unique) };
  }
  return { id: resolveId(historyIdsStartingWith(store.db, id.toLowerCase()), id), entry: undefined };
}

export async function readEntryDetails(store: StoreAccess, id: string): Promise<EntryDetails> {
  const found = await findEntryOrHistory(store, id);
  const { entry } = found;
  const repositories = (entry?.repositories ?? []).map((name) => {
    const path = join(store.config.gitRoot, name);
    return { name, path, exists: existsSync(path) };
  });
  const refs: DeclaredRef[] = [];
  if (entry?.type === "state" && entry.event !== undefined) {
    const state = readRepositoryState(entry.event);
    for (const repository of repositories) {
      const missing = new Set(
        repository.exists ? await store.objects.missingObjects(repository.path, state.objects) : state.objects,
      );
      for (const [ref, oid] of state.refs) refs.push({ repository: repository.name, ref, oid, present: !missing.has(oid) });
    }
  }
  return { id: found.id, entry, repositories, refs, history: historyOf(store.db, found.id) };
}

export interface EntryDetailsJson {
  id: string;
  inPurgatory: boolean;
  entry: EntryJson | null;
  event: unknown;
  repositories: EntryDetails["repositories"];
  refs: DeclaredRef[];
  history: { what: string; at: string; detail: string | null }[];
}

export function entryDetailsJson(details: EntryDetails): EntryDetailsJson {
  return {
    id: details.id,
    inPurgatory: details.entry !== undefined,
    entry: details.entry === undefined ? null : entryJson(details.entry),
    event: details.entry?.event ?? null,
    repositories: details.repositories,
    refs: details.refs,
    history: details.history.map((record) => ({ what: record.what, at: isoTime(record.at), detail: record.detail ?? null })),
  };
}

export function formatEntryDetails(details: EntryDetails, now: number): string {
  const { entry } = details;
  const lines = [`id:           ${details.id}`];
  if (entry === undefined) {
    lines.push("status:       not in the purgatory now (see history)");
  } else {
    lines.push(
      `kind:         ${entry.type}${entry.kind === undefined ? "" : ` (${entry.kind})`}`,
      `author:       ${entry.author ?? "-"}`,
      `arrived:      ${isoTime(entry.arrivedAt)} (${relativeTime(entry.arrivedAt, now)})`,
      `expires:      ${isoTime(entry.expiresAt)} (${relativeTime(entry.expiresAt, now)})`,
      `waiting for:  ${entry.waitingFor.join("; ") || "-"}`,
    );
    if (entry.tip !== undefined) lines.push(`pushed tip:   ${entry.tip}`);
  }
  for (const repository of details.repositories) {
    lines.push(`repository:   ${repository.path}${repository.exists ? "" : " (missing on disk)"}`);
  }
  if (details.refs.length > 0) {
    lines.push("declared refs:");
    for (const ref of details.refs) lines.push(`  ${ref.present ? "present" : "MISSING"}  ${ref.ref} ${ref.oid}  (${ref.repository})`);
  }
  lines.push("history:");
  for (const record of details.history) {
    lines.push(`  ${isoTime(record.at)}  ${record.what}${record.detail === undefined ? "" : `  ${record.detail}`}`);
  }
  if (entry?.event !== undefined) lines.push("event:", JSON.stringify(entry.event, null, 2));
  return lines.join("\n");
}

export async function showEntry(config: Config, id: string): Promise<EntryDetails> {
  return withStore(config, (store) => readEntryDetails(store, id));
}

export function registerShowCommand(program: Command): void {
  program
    .command("show")
    .description("Show one entry: its event, repository, declared refs and whether each object exists, and its history.")
    .argument("<id>", "event id (or an unambiguous prefix)")
    .option("--json", "print the details as JSON for scripts")
    .addHelpText("after", "\nExample:\n  grasp-purgatory show 3f2a9c1e")
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const details = await showEntry(configOf(command), id);
      if (options.json) printJson(entryDetailsJson(details));
      else process.stdout.write(formatEntryDetails(details, Math.floor(Date.now() / 1000)) + "\n");
    });
}
