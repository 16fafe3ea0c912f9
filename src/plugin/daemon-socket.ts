// The daemon's Unix socket (mode 0660 in the data directory). The post-receive hook sends
// one JSON line `{"op":"release","repository":"<npub>/<d>.git"}` and waits for one JSON line
// back; `{"op":"ping"}` answers `{"ok":true}` (for `doctor`). Malformed requests get
// `{"ok":false,"error":...}`; nothing a client sends can stop the daemon. The operator's
// `grasp-purgatory release <id>` sends `{"op":"release-event","id":"<64 hex>"}`.

import { chmodSync, unlinkSync } from "node:fs";
import { createServer } from "node:net";
import type { Server } from "node:net";
import { createInterface } from "node:readline";
import { errorMessage, log } from "../log.js";

export type DaemonRequest = { op: "ping" } | { op: "release"; repository: string } | { op: "release-event"; id: string };

export type DaemonAnswer = { ok: true; [key: string]: unknown } | { ok: false; error: string };

export function parseDaemonRequest(line: string): DaemonRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "request is not JSON";
  }
  if (typeof value !== "object" || value === null) return "request is not a JSON object";
  const request = value as Record<string, unknown>;
  if (request.op === "ping") return { op: "ping" };
  if (request.op === "release") {
    if (typeof request.repository !== "string" || request.repository.length > 1000) return "release needs a repository string";
    return { op: "release", repository: request.repository };
  }
  if (request.op === "release-event") {
    if (typeof request.id !== "string" || !/^[0-9a-f]{64}$/.test(request.id)) return "release-event needs a 64-hex id";
    return { op: "release-event", id: request.id };
  }
  return `unknown op ${JSON.stringify(request.op)}: use ping, release or release-event`;
}

export function listenOnSocket(path: string, handle: (request: DaemonRequest) => Promise<DaemonAnswer>): Promise<Server> {
  // A socket file left by a killed process would make listen fail with EADDRINUSE.
  try {
    unlinkSync(path);
  } catch {
    // nothing to remove
  }
  const server = createServer((connection) => {
    connection.on("error", () => undefined);
    const lines = createInterface({ input: connection });
    lines.on("line", (line) => {
      const request = parseDaemonRequest(line);
      const answer =
        typeof request === "string"
          ? Promise.resolve<DaemonAnswer>({ ok: false, error: request })
          : handle(request).catch((error: unknown): DaemonAnswer => ({ ok: false, error: errorMessage(error) }));
      void answer.then((result) => {
        if (!connection.destroyed) connection.write(JSON.stringify(result) + "\n");
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => {
      chmodSync(path, 0o660);
      server.off("error", reject);
      server.on("error", (error) => log.error("daemon socket error", { error: errorMessage(error) }));
      resolve(server);
    });
  });
}
