// One request to a nostr relay over a fresh websocket: send one message, wait for the first
// answer that matches, then close. Used by the release sink (EVENT → OK), the look-ups that
// confirm strfry stored an event, reindex and `doctor`.

import type { Filter, NostrEvent } from "nostr-tools";
import WebSocket from "ws";
import { isNostrEvent } from "../nostr/event.js";

export type RelayAnswer = { ok: true; message: unknown[] } | { ok: false; error: string };

export function relayRequest(
  url: string,
  request: unknown[],
  isAnswer: (message: unknown[]) => boolean,
  timeoutMs: number,
): Promise<RelayAnswer> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    const finish = (answer: RelayAnswer) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on("error", () => undefined);
      socket.terminate();
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ ok: false, error: `no answer from ${url} within ${timeoutMs / 1000} s` }), timeoutMs);
    socket.on("open", () => socket.send(JSON.stringify(request)));
    socket.on("message", (data) => {
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        return;
      }
      if (Array.isArray(message) && isAnswer(message)) finish({ ok: true, message });
    });
    socket.on("error", (error) => finish({ ok: false, error: `${url}: ${error.message}` }));
    socket.on("close", () => finish({ ok: false, error: `${url} closed the connection before answering` }));
  });
}

export type RelayQuery = { ok: true; events: NostrEvent[] } | { ok: false; error: string };

/** One REQ over a fresh websocket: the stored events up to EOSE. */
export function relayQuery(url: string, filter: Filter, timeoutMs: number): Promise<RelayQuery> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    const events: NostrEvent[] = [];
    const finish = (answer: RelayQuery) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on("error", () => undefined);
      socket.terminate();
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ ok: false, error: `no answer from ${url} within ${timeoutMs / 1000} s` }), timeoutMs);
    socket.on("open", () => socket.send(JSON.stringify(["REQ", "q", filter])));
    socket.on("message", (data) => {
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        return;
      }
      if (!Array.isArray(message) || message[1] !== "q") return;
      if (message[0] === "EVENT" && isNostrEvent(message[2])) events.push(message[2]);
      if (message[0] === "EOSE") finish({ ok: true, events });
      if (message[0] === "CLOSED") finish({ ok: false, error: `${url} refused the query: ${String(message[2])}` });
    });
    socket.on("error", (error) => finish({ ok: false, error: `${url}: ${error.message}` }));
    socket.on("close", () => finish({ ok: false, error: `${url} closed the connection before answering` }));
  });
}
