// strfry starts its write-policy plugin (our policy process, and so the daemon the hooks talk
// to) with the first event it receives after it starts. One throwaway event, which the policy
// refuses (it relates to nothing hosted), wakes it.

import { finalizeEvent, generateSecretKey } from "nostr-tools/pure";
import { relayRequest } from "../plugin/relay-request.js";
import type { RelayAnswer } from "../plugin/relay-request.js";

export function wakePolicy(relayUrl: string, timeoutMs = 10_000): Promise<RelayAnswer> {
  const event = finalizeEvent(
    { kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content: "grasp-purgatory: waking the write policy" },
    generateSecretKey(),
  );
  return relayRequest(relayUrl, ["EVENT", event], (message) => message[0] === "OK" && message[1] === event.id, timeoutMs);
}
