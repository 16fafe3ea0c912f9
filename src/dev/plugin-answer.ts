// How strfry reads one answer line from its write-policy plugin (PluginEventSifter.h):
// a line that is not JSON is skipped, and anything else that is not a well-formed answer
// for this very event is an error that costs the client `error: internal error`.

export type PluginAction = "accept" | "reject" | "shadowReject";

export type PluginAnswer =
  | { kind: "answer"; action: PluginAction; msg: string }
  /** Not JSON: strfry logs it and reads the next line. */
  | { kind: "skip" }
  | { kind: "error"; problem: string };

const actions: ReadonlySet<string> = new Set<PluginAction>(["accept", "reject", "shadowReject"]);

export function readPluginAnswer(line: string, eventId: string): PluginAnswer {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: "skip" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { kind: "error", problem: "answer is not a JSON object" };
  const answer = value as Record<string, unknown>;
  if (typeof answer.id !== "string") return { kind: "error", problem: "answer has no string id" };
  if (answer.id !== eventId) return { kind: "error", problem: `id mismatch: asked about ${eventId}, answer is for ${answer.id}` };
  const msg = answer.msg ?? "";
  if (typeof msg !== "string") return { kind: "error", problem: "answer msg is not a string" };
  if (typeof answer.action !== "string") return { kind: "error", problem: "answer has no action" };
  if (!actions.has(answer.action)) return { kind: "error", problem: `unknown action: ${answer.action}` };
  return { kind: "answer", action: answer.action as PluginAction, msg };
}
