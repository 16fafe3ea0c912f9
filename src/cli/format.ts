// How commands show things to people: relative times, short ids, aligned tables.
// Scripts get ISO timestamps and full ids through --json instead.

import { npubOf } from "../nostr/nip34.js";

/** `45s`, `12m`, `3h`, `2d`: the largest whole unit. */
export function formatDuration(seconds: number): string {
  const magnitude = Math.max(0, Math.round(seconds));
  if (magnitude < 60) return `${magnitude}s`;
  if (magnitude < 3600) return `${Math.floor(magnitude / 60)}m`;
  if (magnitude < 86400) return `${Math.floor(magnitude / 3600)}h`;
  return `${Math.floor(magnitude / 86400)}d`;
}

/** "12m ago" or "in 18m". */
export function relativeTime(at: number, now: number): string {
  return at <= now ? `${formatDuration(now - at)} ago` : `in ${formatDuration(at - now)}`;
}

export function isoTime(at: number): string {
  return new Date(at * 1000).toISOString();
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

export function shortNpub(pubkey: string): string {
  const npub = npubOf(pubkey);
  return `${npub.slice(0, 10)}…${npub.slice(-4)}`;
}

/** `npub1abc…wxyz/d` for a repository named `<npub>/<d>.git`. */
export function shortRepository(name: string): string {
  const [npub = "", rest = ""] = name.split("/");
  return `${npub.slice(0, 10)}…${npub.slice(-4)}/${rest.replace(/\.git$/, "")}`;
}

/** Columns padded to their widest cell; the last column is not padded. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}
