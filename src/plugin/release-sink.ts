// How a released event reaches strfry. Over the websocket it is published like any client
// event and passes through this policy again (which now accepts it); through `strfry import`
// it is written straight to strfry's database, the only way for NIP-70 protected events.

import { spawn } from "node:child_process";
import type { NostrEvent } from "nostr-tools";
import WebSocket from "ws";
import type { ReleaseSinkConfig } from "../config.js";

export interface DeliveryResult {
  ok: boolean;
  message: string;
}

export interface ReleaseSink {
  kind: ReleaseSinkConfig["kind"];
  deliver(event: NostrEvent): Promise<DeliveryResult>;
}

const deliveryTimeoutMs = 15_000;

export function releaseSink(config: ReleaseSinkConfig): ReleaseSink {
  return config.kind === "websocket" ? websocketSink(config.relayUrl) : importSink(config.command);
}

function websocketSink(relayUrl: string): ReleaseSink {
  return {
    kind: "websocket",
    deliver: (event) =>
      new Promise((resolve) => {
        const socket = new WebSocket(relayUrl);
        const finish = (result: DeliveryResult) => {
          clearTimeout(timer);
          socket.removeAllListeners();
          socket.on("error", () => undefined);
          socket.close();
          resolve(result);
        };
        const timer = setTimeout(() => finish({ ok: false, message: `no OK from ${relayUrl} within ${deliveryTimeoutMs / 1000} s` }), deliveryTimeoutMs);
        socket.on("open", () => socket.send(JSON.stringify(["EVENT", event])));
        socket.on("message", (data) => {
          let message: unknown;
          try {
            message = JSON.parse(String(data));
          } catch {
            return;
          }
          if (Array.isArray(message) && message[0] === "OK" && message[1] === event.id) {
            finish({ ok: message[2] === true, message: String(message[3] ?? "") });
          }
        });
        socket.on("error", (error) => finish({ ok: false, message: `cannot publish to ${relayUrl}: ${error.message}` }));
        socket.on("close", () => finish({ ok: false, message: `${relayUrl} closed the connection before answering` }));
      }),
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
