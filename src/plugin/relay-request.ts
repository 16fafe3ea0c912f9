// One request to a nostr relay over a fresh websocket: send one message, wait for the first
// answer that matches, then close. Used by the release sink (EVENT → OK) and by `doctor`.

import WebSocket from "ws";

export type RelayAnswer = { ok: true; message: unknown[] } | { ok: false; error: string };

export function relayRequest(
  url: string,
  request: unknown[],
  isAnswer: (message: unknown[]) => boolean,
  timeoutMs: number,
): Promise<RelayAnswer> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    const finish = (answer: RelayAnswer) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on("error", () => undefined);
      socket.terminate();
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ ok: false, error: `no answer from ${url} within ${timeoutMs / 1000} s` }), timeoutMs);
    socket.on("open", () => socket.send(JSON.stringify(request)));
    socket.on("message", (data) => {
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        return;
      }
      if (Array.isArray(message) && isAnswer(message)) finish({ ok: true, message });
    });
    socket.on("error", (error) => finish({ ok: false, error: `${url}: ${error.message}` }));
    socket.on("close", () => finish({ ok: false, error: `${url} closed the connection before answering` }));
  });
}
