// A raw websocket client for the dev relay, so tests see every message exactly as sent
// (OK messages, NOTICEs, EOSE) rather than through a client library's interpretation.

import { after } from "node:test";
import type { Filter, NostrEvent } from "nostr-tools";
import WebSocket from "ws";

export type RelayMessage = [string, ...unknown[]];

export interface RelaySocket {
  socket: WebSocket;
  send(message: unknown[] | string): void;
  /** The next message, not yet taken by another wait, that matches; in arrival order. */
  waitFor(matches: (message: RelayMessage) => boolean, timeoutMs?: number): Promise<RelayMessage>;
  /** Publishes and returns the OK's [accepted, message]. */
  publish(event: NostrEvent): Promise<[boolean, string]>;
  /** REQ, collects events until EOSE, then CLOSE. */
  query(...filters: Filter[]): Promise<NostrEvent[]>;
  /** True if a matching message arrives within the time (it is then taken). */
  receives(matches: (message: RelayMessage) => boolean, timeoutMs: number): Promise<boolean>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

let subscriptionCounter = 0;

export async function connectRelay(url: string): Promise<RelaySocket> {
  const socket = new WebSocket(url);
  const received: RelayMessage[] = [];
  const taken = new Set<number>();
  const listeners = new Set<() => void>();
  socket.on("message", (data) => {
    received.push(JSON.parse(data.toString()) as RelayMessage);
    for (const listener of listeners) listener();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  socket.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  after(() => socket.terminate());

  const take = (matches: (message: RelayMessage) => boolean): RelayMessage | undefined => {
    const index = received.findIndex((message, i) => !taken.has(i) && matches(message));
    if (index === -1) return undefined;
    taken.add(index);
    return received[index];
  };

  const waitFor = (matches: (message: RelayMessage) => boolean, timeoutMs = 10_000): Promise<RelayMessage> =>
    new Promise((resolve, reject) => {
      const found = take(matches);
      if (found !== undefined) return resolve(found);
      const listener = () => {
        const message = take(matches);
        if (message === undefined) return;
        listeners.delete(listener);
        clearTimeout(timer);
        resolve(message);
      };
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`no matching message within ${timeoutMs} ms; received: ${JSON.stringify(received).slice(0, 2000)}`));
      }, timeoutMs);
      listeners.add(listener);
    });

  const send = (message: unknown[] | string) => socket.send(typeof message === "string" ? message : JSON.stringify(message));

  return {
    socket,
    send,
    waitFor,
    async publish(event) {
      send(["EVENT", event]);
      const ok = await waitFor((message) => message[0] === "OK" && message[1] === event.id);
      return [ok[2] as boolean, ok[3] as string];
    },
    async query(...filters) {
      const id = `q${++subscriptionCounter}`;
      send(["REQ", id, ...filters]);
      const events: NostrEvent[] = [];
      for (;;) {
        const message = await waitFor((m) => (m[0] === "EVENT" || m[0] === "EOSE") && m[1] === id);
        if (message[0] === "EOSE") break;
        events.push(message[2] as NostrEvent);
      }
      send(["CLOSE", id]);
      return events;
    },
    async receives(matches, timeoutMs) {
      try {
        await waitFor(matches, timeoutMs);
        return true;
      } catch {
        return false;
      }
    },
    closed,
    close: () => socket.close(),
  };
}
