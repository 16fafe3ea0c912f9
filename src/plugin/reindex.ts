// Builds or repairs the index from strfry's store: every stored event is recorded as strfry
// has it (held events strfry already has leave the purgatory; deletions are remembered), and
// what the index holds as stored but strfry no longer has is forgotten. Idempotent: running
// it twice gives the same index. Reads strfry over its websocket (REQ, paged) or from
// `strfry scan`, whose JSON lines carry everything without the REQ page limit.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { NostrEvent } from "nostr-tools";
import { isNostrEvent } from "../nostr/event.js";
import { followCursorKey, meta } from "../purgatory/meta.js";
import type { EffectContext } from "./apply-verdict.js";
import { confirmStored } from "./apply-verdict.js";
import { scanRelay } from "./strfry-store.js";
import { writeTransaction } from "../purgatory/database.js";

/** Feeds every stored event to `onPage`, a page at a time; resolves with the count. */
export type StoredEventSource = (onPage: (events: NostrEvent[]) => void) => Promise<number>;

export function relaySource(relayUrl: string): StoredEventSource {
  return (onPage) => scanRelay(relayUrl, {}, onPage);
}

/** `command` is e.g. `strfry --config /etc/strfry.conf scan`; the filter `{}` is appended. */
export function scanCommandSource(command: string): StoredEventSource {
  return (onPage) =>
    new Promise((resolve, reject) => {
      const child = spawn("/bin/sh", ["-c", `${command} '{}'`], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      let count = 0;
      let page: NostrEvent[] = [];
      child.stderr.on("data", (chunk) => (stderr = (stderr + String(chunk)).slice(-2000)));
      const lines = createInterface({ input: child.stdout });
      lines.on("line", (line) => {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          return;
        }
        if (!isNostrEvent(value)) return;
        page.push(value);
        count++;
        if (page.length >= 500) {
          onPage(page);
          page = [];
        }
      });
      child.on("error", (error) => reject(new Error(`cannot run ${command}: ${error.message}`)));
      child.on("close", (code) => {
        if (page.length > 0) onPage(page);
        if (code === 0) resolve(count);
        else reject(new Error(`${command} exited ${code}: ${stderr.trim()}`));
      });
    });
}

export interface ReindexReport {
  /** Events strfry stores. */
  events: number;
  /** Index rows strfry no longer has, forgotten. */
  forgotten: number;
  /** Held events strfry already had, released. */
  released: number;
}

export async function reindex(context: EffectContext, source: StoredEventSource, onProgress: (events: number) => void): Promise<ReindexReport> {
  const startedAt = Math.floor(Date.now() / 1000);
  const seen = new Set<string>();
  let released = 0;
  const events = await source((page) => {
    writeTransaction(context.db, () => {
      for (const event of page) {
        if (context.purgatory.isHeld(event.id)) released++;
        confirmStored(event, context, startedAt);
        seen.add(event.id);
      }
    })();
    onProgress(seen.size);
  });
  let forgotten = 0;
  writeTransaction(context.db, () => {
    for (const id of context.index.storedIds([])) {
      if (seen.has(id)) continue;
      context.index.forget(id);
      forgotten++;
    }
    meta(context.db).set(followCursorKey, String(startedAt));
  })();
  return { events, forgotten, released };
}
