// One websocket message from a client, parsed the way strfry's ingester does
// (RelayIngester.cpp): anything malformed becomes the NOTICE strfry would send,
// never an exception.

import type { Filter } from "nostr-tools";
import { maxFiltersPerReq } from "./strfry-defaults.js";
import { parseFilters } from "./req-filters.js";

export type ClientMessage =
  /** `id` is the event's id as sent, so even an invalid event can be answered with OK. */
  | { type: "EVENT"; event: unknown; id: string }
  | { type: "REQ"; subscriptionId: string; filters: Filter[] }
  | { type: "CLOSE"; subscriptionId: string }
  | { type: "ignore" }
  | { type: "notice"; message: string };

/** NIP-01 bounds a subscription id to 64 characters. */
export const maxSubscriptionIdLength = 64;

function notice(context: "msg" | "req" | "close", problem: string): ClientMessage {
  return { type: "notice", message: `ERROR: bad ${context}: ${problem}` };
}

function subscriptionIdProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return "subscription id is not a string";
  if (value === "") return "subscription id is empty";
  if (value.length > maxSubscriptionIdLength) return `subscription id is longer than ${maxSubscriptionIdLength} characters`;
  return undefined;
}

function parseEvent(message: unknown[]): ClientMessage {
  const event = message[1];
  const id = typeof event === "object" && event !== null ? (event as Record<string, unknown>).id : undefined;
  if (typeof id !== "string") return notice("msg", "event has no string id");
  return { type: "EVENT", event, id };
}

function parseReq(message: unknown[]): ClientMessage {
  if (message.length < 3) return notice("req", "arr too small");
  if (message.length > 2 + maxFiltersPerReq) return notice("req", "arr too big");
  const problem = subscriptionIdProblem(message[1]);
  if (problem !== undefined) return notice("req", problem);
  const parsed = parseFilters(message.slice(2));
  if (!parsed.ok) return notice("req", parsed.problem);
  return { type: "REQ", subscriptionId: message[1] as string, filters: parsed.filters };
}

function parseClose(message: unknown[]): ClientMessage {
  if (message.length !== 2) return notice("close", "arr too small/big");
  const problem = subscriptionIdProblem(message[1]);
  if (problem !== undefined) return notice("close", problem);
  return { type: "CLOSE", subscriptionId: message[1] as string };
}

export function parseClientMessage(text: string): ClientMessage {
  // websocat users send bare newlines to keep a session open; strfry ignores them.
  if (text === "\n") return { type: "ignore" };
  if (!text.startsWith("[")) return notice("msg", "unparseable message");
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return notice("msg", "message is not valid JSON");
  }
  if (!Array.isArray(message)) return notice("msg", "message is not an array");
  if (message.length < 2) return notice("msg", "bad message");
  const command = message[0];
  if (typeof command !== "string") return notice("msg", "command is not a string");
  switch (command) {
    case "EVENT":
      return parseEvent(message);
    case "REQ":
      return parseReq(message);
    case "CLOSE":
      return parseClose(message);
    default:
      return notice("msg", `unknown cmd ${JSON.stringify(command.slice(0, 32))}`);
  }
}
