import type { RefUpdate } from "../policy/push-authorisation.js";

/** git gives both hooks one `<old> <new> <ref>` line per updated ref on stdin. */
export async function readRefUpdates(input: NodeJS.ReadableStream): Promise<RefUpdate[]> {
  let text = "";
  for await (const chunk of input) text += String(chunk);
  return parseRefUpdates(text);
}

export function parseRefUpdates(text: string): RefUpdate[] {
  return text
    .split("\n")
    .map((line) => line.trim().split(" "))
    .filter((parts) => parts.length === 3)
    .map(([oldOid, newOid, ref]) => ({ oldOid: oldOid!, newOid: newOid!, ref: ref! }));
}
