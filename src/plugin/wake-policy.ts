// strfry starts its write-policy plugin (our policy process, and so the daemon the hooks talk
// to) with the first event it receives after it starts, and after the plugin died, with the
// event after the one it answers `error: internal error`. Throwaway events, which the policy
// refuses (they relate to nothing hosted), wake it.

import type { NostrEvent } from "nostr-tools";
import { finalizeEvent, generateSecretKey } from "nostr-tools/pure";
import { pluginRestartMessage } from "./protocol.js";
import { relayExchange, relayRequest } from "./relay-request.js";
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
 * Makes strfry start the policy and waits until it has: one event, and when strfry answers it
 * with an error (its plugin had died) a second, which starts the new one. The connection stays
 * open until that second event is answered: strfry drops an event whose connection closed before
 * its writer took it. Resolves then, on `signal`, or after `timeoutMs`; never fails (a relay that
 * is down has nothing to wake).
 */
export async function nudgePolicy(relayUrl: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const [first, second] = [throwawayEvent(), throwawayEvent()];
  await relayExchange(
    relayUrl,
    ["EVENT", first],
    timeoutMs,
    (message, send) => {
      if (message[0] !== "OK") return undefined;
      // The plugin had died: the next event starts a new one.
      if (message[1] === first.id && message[3] === pluginRestartMessage) send(["EVENT", second]);
      else if (message[1] === first.id || message[1] === second.id) return { ok: true as const };
      return undefined;
    },
    signal,
  );
}
