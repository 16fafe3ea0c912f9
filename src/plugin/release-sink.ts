// How a released event reaches strfry. Over the websocket it is published like any client
// event and passes through this policy again (which now accepts it); through `strfry import`
// it is written straight to strfry's database, the only way for NIP-70 protected events.

import { spawn } from "node:child_process";
import type { NostrEvent } from "nostr-tools";
import type { ReleaseSinkConfig } from "../config.js";
import { relayRequest } from "./relay-request.js";

export interface DeliveryResult {
  ok: boolean;
  message: string;
}

export interface ReleaseSink {
  kind: ReleaseSinkConfig["kind"];
  deliver(event: NostrEvent): Promise<DeliveryResult>;
}

const deliveryTimeoutMs = 15_000;

export function releaseSink(config: ReleaseSinkConfig, relayUrl: string): ReleaseSink {
  return config.kind === "websocket" ? websocketSink(relayUrl) : importSink(config.command);
}

function websocketSink(relayUrl: string): ReleaseSink {
  return {
    kind: "websocket",
    deliver: async (event) => {
      const answer = await relayRequest(relayUrl, ["EVENT", event], (message) => message[0] === "OK" && message[1] === event.id, deliveryTimeoutMs);
      if (!answer.ok) return { ok: false, message: `cannot publish: ${answer.error}` };
      return { ok: answer.message[2] === true, message: String(answer.message[3] ?? "") };
    },
  };
}

function importSink(command: string): ReleaseSink {
  return {
    kind: "import",
    deliver: (event) =>
      new Promise((resolve) => {
        const child = spawn("/bin/sh", ["-c", command], { stdio: ["pipe", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.stdin.on("error", () => undefined);
        child.on("error", (error) => resolve({ ok: false, message: `cannot run ${command}: ${error.message}` }));
        child.on("close", (code) =>
          resolve(code === 0 ? { ok: true, message: "" } : { ok: false, message: `${command} exited ${code}: ${stderr.trim().slice(-500)}` }),
        );
        child.stdin.end(JSON.stringify(event) + "\n");
      }),
  };
}
