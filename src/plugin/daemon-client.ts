// The client side of the daemon socket, for the hooks and the CLI: one request, one answer,
// a bounded wait.

import { createConnection } from "node:net";
import { createInterface } from "node:readline";
import type { DaemonAnswer, DaemonRequest } from "./daemon-socket.js";

export async function askDaemon(socketPath: string, request: DaemonRequest, timeoutMs: number): Promise<DaemonAnswer> {
  return new Promise((resolve) => {
    const connection = createConnection(socketPath);
    let finished = false;
    const finish = (answer: DaemonAnswer) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      connection.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ ok: false, error: `the daemon did not answer within ${timeoutMs / 1000} s` }), timeoutMs);
    let connected = false;
    const closedWithoutAnswer = () => ({ ok: false as const, error: `the daemon at ${socketPath} closed the connection without answering` });
    connection.on("error", (error: NodeJS.ErrnoException) =>
      finish(
        connected
          ? closedWithoutAnswer()
          : { ok: false, error: `the daemon is not reachable at ${socketPath} (${error.code ?? error.message}); is the policy process running?` },
      ),
    );
    connection.on("connect", () => {
      connected = true;
      connection.write(JSON.stringify(request) + "\n");
    });
    // A daemon that dies mid-request closes the connection: that is no answer, at once.
    connection.on("close", () => finish(closedWithoutAnswer()));
    const lines = createInterface({ input: connection });
    // readline re-emits the socket's errors; the connection's own handler above answers them.
    lines.on("error", () => undefined);
    lines.once("line", (line) => {
      try {
        finish(JSON.parse(line) as DaemonAnswer);
      } catch {
        finish({ ok: false, error: "the daemon answered something that is not JSON" });
      }
    });
  });
}
