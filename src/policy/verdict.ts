// The verdict is a value. `hold` is the purgatory answer: the client hears OK true, the
// event is kept by us and not by strfry. src/plugin/protocol.ts maps it to strfry's actions.

export type Verdict =
  | { action: "accept"; msg: string }
  /**
   * `limit` names the setting when a limit refused it (counted in `stats`); `unrelated` says
   * it has nothing to do with this server (the everyday refusal of a public relay).
   */
  | { action: "reject"; msg: string; limit?: string; unrelated?: true }
  | { action: "hold"; msg: string };

export const accept = (msg = ""): Verdict => ({ action: "accept", msg });
export const reject = (msg: string): Verdict => ({ action: "reject", msg });
export const hold = (msg: string): Verdict => ({ action: "hold", msg });
export const limited = (limit: string, msg: string): Verdict => ({ action: "reject", msg, limit });
export const unrelated = (msg: string): Verdict => ({ action: "reject", msg, unrelated: true });

export const purgatoryMessage = "purgatory: won't be served until git data arrives";
