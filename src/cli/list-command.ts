// `grasp-purgatory list`: what waits in the purgatory, soonest to expire first.

import type { Command } from "commander";
import type { Config } from "../config.js";
import { hostedRepositories } from "../git/hosted-repositories.js";
import type { Entry, EntryFilters } from "./entries.js";
import { readEntries, selectEntries } from "./entries.js";
import { formatDuration, formatTable, isoTime, printJson, relativeTime, shortId, shortNpub, shortRepository } from "./format.js";
import { configOf } from "./global-options.js";
import { parseAuthor, parseDuration, parseEntryType } from "./option-parsers.js";
import { resolveRepositoryFilter } from "./repository-filter.js";
import { withStore } from "./store-access.js";

export interface EntryJson {
  type: Entry["type"];
  id: string;
  kind: number | null;
  author: string | null;
  repositories: string[];
  arrivedAt: string;
  expiresAt: string;
  waitingFor: string[];
}

export function entryJson(entry: Entry): EntryJson {
  return {
    type: entry.type,
    id: entry.id,
    kind: entry.kind ?? null,
    author: entry.author ?? null,
    repositories: entry.repositories,
    arrivedAt: isoTime(entry.arrivedAt),
    expiresAt: isoTime(entry.expiresAt),
    waitingFor: entry.waitingFor,
  };
}

export function formatEntryTable(entries: readonly Entry[], now: number, filtered = false): string {
  if (entries.length === 0) return filtered ? "Nothing in the purgatory matches these filters." : "The purgatory is empty.";
  return formatTable(
    ["KIND", "ID", "REPOSITORY", "AUTHOR", "AGE", "EXPIRES", "WAITING FOR"],
    entries.map((entry) => [
      entry.type,
      shortId(entry.id),
      entry.repositories.map(shortRepository).join(", ") || "-",
      entry.author === undefined ? "-" : shortNpub(entry.author),
      formatDuration(now - entry.arrivedAt),
      relativeTime(entry.expiresAt, now),
      entry.waitingFor.join("; "),
    ]),
  );
}

export async function listEntries(config: Config, filters: EntryFilters, now: number): Promise<Entry[]> {
  return withStore(config, async (store) => {
    const entries = await readEntries(store);
    // --repo may be what `list` prints (npub1abc…wxyz/d): resolved against what is held and hosted.
    const known = [...entries.flatMap((entry) => entry.repositories), ...hostedRepositories(config.gitRoot).map((repository) => repository.name)];
    const repository = filters.repository === undefined ? undefined : resolveRepositoryFilter(filters.repository, known);
    return selectEntries(entries, { ...filters, repository }, now);
  });
}

interface ListOptions {
  repo?: string;
  kind?: Entry["type"];
  author?: string;
  expiringWithin?: number;
  json?: boolean;
}

export function registerListCommand(program: Command): void {
  program
    .command("list")
    .description("List held events and placeholders, soonest to expire first, with what each waits for.")
    .option("--repo <npub/d>", "only this repository: <npub>/<d>, or as list prints it (npub1abc…wxyz/d)")
    .option("--kind <kind>", "announcement, state, pull-request (pr), pull-request-update (pr-update) or placeholder", parseEntryType)
    .option("--author <npub|hex>", "only events by this author", parseAuthor)
    .option("--expiring-within <duration>", "only entries expiring within a duration with its unit: 90s, 5m, 2h, 1d", parseDuration)
    .option("--json", "print {\"entries\": [...]} for scripts")
    .addHelpText("after", "\nExamples:\n  grasp-purgatory list\n  grasp-purgatory list --kind state --expiring-within 5m --json")
    .action(async (options: ListOptions, command: Command) => {
      const now = Math.floor(Date.now() / 1000);
      const filters = { repository: options.repo, type: options.kind, author: options.author, expiringWithinSeconds: options.expiringWithin };
      const entries = await listEntries(configOf(command), filters, now);
      if (options.json) printJson({ entries: entries.map(entryJson) });
      else process.stdout.write(formatEntryTable(entries, now, Object.values(filters).some((value) => value !== undefined)) + "\n");
    });
}
