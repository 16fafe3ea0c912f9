// One request to a nostr relay over a fresh websocket: send one message, read what comes back
// until it gives the answer, then close. Used by the release sink (EVENT → OK), the look-ups
// that confirm strfry stored an event, reindex, `doctor` and waking the policy.

import type { Filter, NostrEvent } from "nostr-tools";
import WebSocket from "ws";
import { isNostrEvent } from "../nostr/event.js";

type Failure = { ok: false; error: string };

/**
 * Sends `request`; `read` sees each JSON array the relay sends (and may send more on the same
 * connection) and returns the answer once it has it. `signal` ends the exchange early.
 */
export function relayExchange<T>(
  url: string,
  request: unknown[],
  timeoutMs: number,
  read: (message: unknown[], send: (next: unknown[]) => void) => T | Failure | undefined,
  signal?: AbortSignal,
): Promise<T | Failure> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve({ ok: false, error: "aborted" });
    const socket = new WebSocket(url);
    const finish = (answer: T | Failure) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", aborted);
      socket.removeAllListeners();
      socket.on("error", () => undefined);
      socket.terminate();
      resolve(answer);
    };
    const aborted = () => finish({ ok: false, error: "aborted" });
    signal?.addEventListener("abort", aborted);
    const send = (next: unknown[]) => socket.send(JSON.stringify(next));
    const timer = setTimeout(() => finish({ ok: false, error: `no answer from ${url} within ${timeoutMs / 1000} s` }), timeoutMs);
    socket.on("open", () => socket.send(JSON.stringify(request)));
    socket.on("message", (data) => {
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        return;
      }
      const answer = Array.isArray(message) ? read(message, send) : undefined;
      if (answer !== undefined) finish(answer);
    });
    socket.on("error", (error) => finish({ ok: false, error: `${url}: ${error.message}` }));
    socket.on("close", () => finish({ ok: false, error: `${url} closed the connection before answering` }));
  });
}

export type RelayAnswer = { ok: true; message: unknown[] } | Failure;

/** The first message that `isAnswer` accepts. */
export function relayRequest(url: string, request: unknown[], isAnswer: (message: unknown[]) => boolean, timeoutMs: number): Promise<RelayAnswer> {
  return relayExchange(url, request, timeoutMs, (message) => (isAnswer(message) ? { ok: true as const, message } : undefined));
}

export type RelayQuery = { ok: true; events: NostrEvent[] } | Failure;

/** One REQ: the stored events up to EOSE. */
export function relayQuery(url: string, filter: Filter, timeoutMs: number): Promise<RelayQuery> {
  const events: NostrEvent[] = [];
  return relayExchange(url, ["REQ", "q", filter], timeoutMs, (message) => {
    if (message[1] !== "q") return undefined;
    if (message[0] === "EVENT" && isNostrEvent(message[2])) events.push(message[2]);
    if (message[0] === "EOSE") return { ok: true as const, events };
    if (message[0] === "CLOSED") return { ok: false as const, error: `${url} refused the query: ${String(message[2])}` };
    return undefined;
  });
}
