// The nostr relay at `/`: NIP-01 over websockets with strfry's pipeline for incoming events
// (checks, protected events, duplicates answered without the plugin, the write policy, then
// the store) and strfry's OK messages. Live subscriptions are fed from the store, polled by
// sequence number, so that events written by `dev import` reach them like our own.

import type { IncomingMessage } from "node:http";
import { isIPv4 } from "node:net";
import type { Duplex } from "node:stream";
import { matchFilters } from "nostr-tools/filter";
import type { Filter, NostrEvent } from "nostr-tools";
import { WebSocketServer, WebSocket } from "ws";
import { errorMessage, log } from "../log.js";
import { parseClientMessage } from "./client-message.js";
import { checkEvent, isProtectedEvent } from "./event-checks.js";
import type { EventSource, EventStore, WriteStatus } from "./event-store.js";
import { ephemeralEventsLifetimeSeconds, maxWebsocketPayloadBytes } from "./strfry-defaults.js";
import type { WritePolicyPlugin } from "./write-policy-plugin.js";

export interface RelayOptions {
  store: EventStore;
  plugin: WritePolicyPlugin;
  /** Unix seconds. */
  now(): number;
  /** How often to look for rows another process (dev import) wrote; strfry notices within ~100 ms. */
  pollIntervalMs: number;
}

export interface Relay {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

type ClientSource = Pick<EventSource, "sourceType" | "sourceInfo">;

interface Subscription {
  filters: Filter[];
  /** Rows up to this one were in the stored answer; live delivery starts after it. */
  afterSeq: number;
}

interface Connection {
  socket: WebSocket;
  source: ClientSource;
  subscriptions: Map<string, Subscription>;
}

export interface OkAnswer {
  accepted: boolean;
  message: string;
}

/** strfry's answer once the plugin accepted and the store had its say (RelayWriter.cpp). */
export function answerForWrite(status: WriteStatus): OkAnswer {
  switch (status) {
    case "written":
      return { accepted: true, message: "" };
    case "duplicate":
      return { accepted: true, message: "duplicate: have this event" };
    case "replaced":
      return { accepted: false, message: "replaced: have newer event" };
    case "deleted":
      return { accepted: false, message: "deleted: user requested deletion" };
  }
}

/** strfry's sourceType and sourceInfo for a client address; IPv4-mapped IPv6 counts as IPv4. */
export function sourceOfAddress(address: string | undefined): ClientSource {
  const mapped = address?.startsWith("::ffff:") ? address.slice("::ffff:".length) : undefined;
  if (mapped !== undefined && isIPv4(mapped)) return { sourceType: "IP4", sourceInfo: mapped };
  if (address !== undefined && isIPv4(address)) return { sourceType: "IP4", sourceInfo: address };
  return { sourceType: "IP6", sourceInfo: address ?? "" };
}

const sweepIntervalMs = 60_000;
const deliveryBatch = 500;

export function startRelay(options: RelayOptions): Relay {
  const { store, plugin, now } = options;
  const server = new WebSocketServer({ noServer: true, maxPayload: maxWebsocketPayloadBytes });
  const connections = new Set<Connection>();
  let delivered = store.lastSeq();
  // strfry's single writer thread: the plugin sees one event at a time, and each is stored
  // before the plugin sees the next.
  let writer: Promise<unknown> = Promise.resolve();

  const send = (connection: Connection, message: unknown[]) => {
    if (connection.socket.readyState === WebSocket.OPEN) connection.socket.send(JSON.stringify(message));
  };
  const sendOk = (connection: Connection, id: string, answer: OkAnswer) => send(connection, ["OK", id, answer.accepted, answer.message]);

  const deliverNewEvents = () => {
    try {
      for (;;) {
        const rows = store.readAfter(delivered, deliveryBatch);
        for (const { seq, event } of rows) {
          delivered = seq;
          for (const connection of connections) {
            for (const [id, subscription] of connection.subscriptions) {
              if (seq > subscription.afterSeq && matchFilters(subscription.filters, event)) send(connection, ["EVENT", id, event]);
            }
          }
        }
        if (rows.length < deliveryBatch) return;
      }
    } catch (error) {
      log.error("reading new events from the store failed", { error: errorMessage(error) });
    }
  };

  const decideAndStore = async (event: NostrEvent, source: ClientSource): Promise<OkAnswer> => {
    const receivedAt = now();
    const verdict = await plugin.decide({ event, receivedAt, ...source });
    if (verdict.action !== "accept") {
      if (verdict.msg !== "") log.info("write policy blocked event", { id: event.id, action: verdict.action, reason: verdict.msg });
      return { accepted: verdict.action === "shadowReject", message: verdict.msg };
    }
    try {
      return answerForWrite(store.write(event, { receivedAt, ...source }));
    } catch (error) {
      log.error("writing an event failed", { id: event.id, error: errorMessage(error) });
      return { accepted: false, message: `Write error: ${errorMessage(error)}` };
    }
  };

  const ingest = async (connection: Connection, id: string, value: unknown) => {
    const checked = checkEvent(value, { now: now(), checkTime: true });
    if (!checked.ok) return sendOk(connection, id, { accepted: false, message: `invalid: ${checked.reason}` });
    const { event } = checked;
    if (isProtectedEvent(event)) return sendOk(connection, id, { accepted: false, message: "blocked: event marked as protected" });
    if (store.has(event.id)) return sendOk(connection, id, answerForWrite("duplicate"));
    const answer = writer.then(() => decideAndStore(event, connection.source));
    writer = answer.catch(() => undefined);
    sendOk(connection, id, await answer);
    deliverNewEvents();
  };

  const subscribe = (connection: Connection, id: string, filters: Filter[]) => {
    const { events, lastSeq } = store.query(filters);
    for (const event of events) send(connection, ["EVENT", id, event]);
    send(connection, ["EOSE", id]);
    connection.subscriptions.set(id, { filters, afterSeq: lastSeq });
  };

  const handleMessage = (connection: Connection, text: string) => {
    const message = parseClientMessage(text);
    switch (message.type) {
      case "EVENT":
        ingest(connection, message.id, message.event).catch((error) => {
          log.error("handling an EVENT failed", { id: message.id, error: errorMessage(error) });
          sendOk(connection, message.id, { accepted: false, message: "error: internal error" });
        });
        return;
      case "REQ":
        try {
          subscribe(connection, message.subscriptionId, message.filters);
        } catch (error) {
          log.error("answering a REQ failed", { error: errorMessage(error) });
          send(connection, ["NOTICE", `ERROR: bad req: ${errorMessage(error)}`]);
        }
        return;
      case "CLOSE":
        connection.subscriptions.delete(message.subscriptionId);
        return;
      case "notice":
        send(connection, ["NOTICE", message.message]);
        return;
      case "ignore":
        return;
    }
  };

  server.on("connection", (socket: WebSocket, request: IncomingMessage) => {
    const connection: Connection = { socket, source: sourceOfAddress(request.socket.remoteAddress), subscriptions: new Map() };
    connections.add(connection);
    socket.on("message", (data) => handleMessage(connection, data.toString()));
    // ws reports oversized or malformed frames here and then closes the connection (1009, 1002).
    socket.on("error", (error) => log.warn("websocket error", { client: connection.source.sourceInfo, error: errorMessage(error) }));
    socket.on("close", () => connections.delete(connection));
  });

  const poll = setInterval(deliverNewEvents, options.pollIntervalMs);
  // strfry keeps ephemeral events for a few minutes only.
  const sweep = setInterval(() => {
    try {
      store.deleteEphemeralReceivedBefore(now() - ephemeralEventsLifetimeSeconds);
    } catch (error) {
      log.error("removing old ephemeral events failed", { error: errorMessage(error) });
    }
  }, sweepIntervalMs);

  return {
    handleUpgrade(request, socket, head) {
      server.handleUpgrade(request, socket, head, (ws) => server.emit("connection", ws, request));
    },
    async close() {
      clearInterval(poll);
      clearInterval(sweep);
      for (const { socket } of connections) socket.close(1001, "server shutting down");
      await writer;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const { socket } of connections) socket.terminate();
    },
  };
}
