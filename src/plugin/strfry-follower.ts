// Follows strfry's store: one live subscription on strfry's websocket (`limit: 0`, so every
// event stored from now on, whatever its created_at), plus a catch-up of what was stored
// while no follower listened (by created_at, from the last time it was caught up, or every
// stored event the first time). Each event seen is handed to `onEvents`: the index is kept
// from what strfry really stored. It reconnects with backoff until closed.

import type { NostrEvent } from "nostr-tools";
import WebSocket from "ws";
import { errorMessage, log } from "../log.js";
import { isNostrEvent } from "../nostr/event.js";
import { scanRelay } from "./strfry-store.js";

export interface FollowerOptions {
  relayUrl: string;
  onEvents(events: NostrEvent[]): void;
  /** Unix seconds up to which every stored event has been seen; undefined: never caught up. */
  readCursor(): number | undefined;
  writeCursor(at: number): void;
}

export interface Follower {
  /** The live subscription is open and the catch-up is done. */
  isCaughtUp(): boolean;
  close(): void;
}

/** Events may carry a created_at up to 15 minutes ahead or be stored a little late. */
const catchUpOverlapSeconds = 15 * 60;
const maxReconnectDelayMs = 30_000;
const cursorIntervalMs = 30_000;
/** What strfry stores within this time is handed on together: one transaction, not one each. */
const liveBatchMs = 20;

export function followStrfry(options: FollowerOptions): Follower {
  let socket: WebSocket | undefined;
  let closed = false;
  let caughtUp = false;
  let failures = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const unixNow = () => Math.floor(Date.now() / 1000);

  let liveBatch: NostrEvent[] = [];
  let liveBatchTimer: NodeJS.Timeout | undefined;
  const handOnLiveBatch = () => {
    clearTimeout(liveBatchTimer);
    liveBatchTimer = undefined;
    const events = liveBatch;
    liveBatch = [];
    if (events.length === 0) return;
    try {
      options.onEvents(events);
    } catch {
      // One bad event must not cost the others their record.
      for (const event of events) {
        try {
          options.onEvents([event]);
        } catch (error) {
          log.error("recording an event strfry stored failed", { id: event.id, error: errorMessage(error) });
        }
      }
    }
  };

  const cursorTimer = setInterval(() => {
    if (caughtUp) options.writeCursor(unixNow());
  }, cursorIntervalMs);
  cursorTimer.unref();

  const connect = () => {
    if (closed) return;
    const ws = new WebSocket(options.relayUrl);
    socket = ws;
    ws.on("open", () => {
      ws.send(JSON.stringify(["REQ", "live", { limit: 0 }]));
      const subscribedAt = unixNow();
      const cursor = options.readCursor();
      const since = cursor === undefined ? undefined : Math.max(0, cursor - catchUpOverlapSeconds);
      scanRelay(options.relayUrl, since === undefined ? {} : { since }, options.onEvents)
        .then((count) => {
          if (ws !== socket) return;
          caughtUp = true;
          failures = 0;
          options.writeCursor(subscribedAt);
          log.info("following strfry", { relayUrl: options.relayUrl, caughtUp: count, since: since ?? "the beginning" });
        })
        .catch((error: unknown) => {
          log.warn("catching up with strfry failed; reconnecting", { relayUrl: options.relayUrl, error: errorMessage(error) });
          ws.terminate();
        });
    });
    ws.on("message", (data) => {
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        return;
      }
      if (Array.isArray(message) && message[0] === "EVENT" && message[1] === "live" && isNostrEvent(message[2])) {
        liveBatch.push(message[2]);
        liveBatchTimer ??= setTimeout(handOnLiveBatch, liveBatchMs);
      }
    });
    ws.on("error", (error) => {
      if (failures === 0) log.warn("cannot follow strfry; retrying", { relayUrl: options.relayUrl, error: errorMessage(error) });
    });
    ws.on("close", () => {
      if (ws !== socket) return;
      caughtUp = false;
      if (closed) return;
      failures++;
      const delay = Math.min(500 * 2 ** Math.min(failures, 6), maxReconnectDelayMs);
      reconnectTimer = setTimeout(connect, delay);
      reconnectTimer.unref();
    });
  };
  connect();

  return {
    isCaughtUp: () => caughtUp,
    close() {
      closed = true;
      handOnLiveBatch();
      clearInterval(cursorTimer);
      clearTimeout(reconnectTimer);
      if (caughtUp) options.writeCursor(unixNow());
      socket?.terminate();
    },
  };
}
