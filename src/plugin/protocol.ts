// strfry's write-policy protocol (SPEC §3): one JSON request per line in, one answer per
// line out. Requests are parsed by a guard that never throws; answers are built in one place.

import type { NostrEvent } from "nostr-tools";
import { eventShapeProblem, isHex64 } from "../nostr/event.js";
import type { Verdict } from "../policy/verdict.js";

export type SourceType = "IP4" | "IP6" | "Import" | "Stream" | "Sync" | "Stored";

export interface PluginRequest {
  event: NostrEvent;
  receivedAt: number;
  sourceType: string;
  sourceInfo: string;
  authed: string | undefined;
}

export type ParsedLine =
  | { ok: true; request: PluginRequest }
  /** `id` is set when one could be read, so the bad line can still be answered. */
  | { ok: false; id: string | undefined; problem: string };

export function parseRequestLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, id: undefined, problem: "input line is not JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, id: undefined, problem: "input line is not a JSON object" };
  }
  const request = value as Record<string, unknown>;
  const event = request.event as Record<string, unknown> | undefined;
  const id = typeof event === "object" && event !== null && isHex64(event.id) ? event.id : undefined;
  if (request.type !== "new") return { ok: false, id, problem: `unknown request type ${JSON.stringify(request.type)}` };
  if (event === undefined) return { ok: false, id, problem: "request has no event" };
  const problem = eventShapeProblem(event);
  if (problem !== undefined) return { ok: false, id, problem };
  return {
    ok: true,
    request: {
      event: event as unknown as NostrEvent,
      receivedAt: typeof request.receivedAt === "number" ? request.receivedAt : Math.floor(Date.now() / 1000),
      sourceType: typeof request.sourceType === "string" ? request.sourceType : "",
      sourceInfo: typeof request.sourceInfo === "string" ? request.sourceInfo : "",
      authed: typeof request.authed === "string" ? request.authed : undefined,
    },
  };
}

/** What strfry answers for an event its plugin failed on; after a plugin died, it starts a new one with the next event. */
export const pluginRestartMessage = "error: internal error";

const pluginActions = { accept: "accept", reject: "reject", hold: "shadowReject" } as const;

/** strfry reads at most this many bytes of an answer line. */
export const maxAnswerBytes = 8192;

export function formatAnswer(id: string, verdict: Verdict): string {
  const answer = (msg: string) => JSON.stringify({ id, action: pluginActions[verdict.action], msg });
  let msg = verdict.msg;
  let line = answer(msg);
  while (Buffer.byteLength(line) + 1 > maxAnswerBytes) {
    msg = `${msg.slice(0, Math.floor(msg.length * 0.9))}…`;
    line = answer(msg);
  }
  return line;
}
