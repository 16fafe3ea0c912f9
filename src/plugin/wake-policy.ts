// strfry starts its write-policy plugin (our policy process, and so the daemon the hooks talk
// to) with the first event it receives after it starts, and after the plugin died, with the
// event after the one it answers `error: internal error`. Throwaway events, which the policy
// refuses (they relate to nothing hosted), wake it.

import WebSocket from "ws";
import type { NostrEvent } from "nostr-tools";
import { finalizeEvent, generateSecretKey } from "nostr-tools/pure";
import { relayRequest } from "./relay-request.js";
import type { RelayAnswer } from "./relay-request.js";

function throwawayEvent(): NostrEvent {
  return finalizeEvent(
    { kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content: "grasp-purgatory: waking the write policy" },
    generateSecretKey(),
  );
}

/** Wakes the policy and waits for its answer. */
export function wakePolicy(relayUrl: string, timeoutMs = 10_000): Promise<RelayAnswer> {
  const event = throwawayEvent();
  return relayRequest(relayUrl, ["EVENT", event], (message) => message[0] === "OK" && message[1] === event.id, timeoutMs);
}

/**
 * Makes strfry start the policy without waiting for it to be ready: two events, the first of
 * which strfry answers at once with an error when its plugin had died, and the second starts
 * the new one. Resolves once both are sent, or after `timeoutMs`; never fails (a relay that
 * is down has nothing to wake).
 */
export function nudgePolicy(relayUrl: string, timeoutMs = 1_000): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(relayUrl);
    const done = () => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on("error", () => undefined);
      // Not close(): its handshake would keep the hook alive until strfry has dealt with both.
      socket.terminate();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on("open", () => {
      socket.send(JSON.stringify(["EVENT", throwawayEvent()]));
      socket.send(JSON.stringify(["EVENT", throwawayEvent()]), done);
    });
    socket.on("error", done);
    socket.on("close", done);
  });
}
