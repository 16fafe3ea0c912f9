// A purgatory store filled with many held entries in one transaction, without signing: the
// store does not check signatures (strfry did before the event reached us).

import { randomBytes } from "node:crypto";
import type { NostrEvent } from "nostr-tools";
import type { Config } from "../config.js";
import type { OpenedContext } from "../plugin/purgatory-context.js";
import { openPurgatoryContext } from "../plugin/purgatory-context.js";
import { writeTransaction } from "../purgatory/database.js";

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** A held state as the store keeps it. */
export function fakeState(pubkey: string, identifier: string, createdAt: number): NostrEvent {
  return {
    id: hex(32),
    pubkey,
    created_at: createdAt,
    kind: 30618,
    tags: [["d", identifier], ["refs/heads/main", hex(20)], ["HEAD", "ref: refs/heads/main"]],
    content: "",
    sig: hex(64),
  };
}

export const randomPubkey = () => hex(32);

/** Holds `count` states by `pubkey` for 1,000 identifiers `repo-<n>`, none due before `now` + 30 minutes. */
export function holdMany(context: OpenedContext, pubkey: string, count: number, now: number): void {
  writeTransaction(context.db, () => {
    for (let index = 0; index < count; index++) context.purgatory.hold(fakeState(pubkey, `repo-${index % 1000}`, now - index), now, 1800);
  })();
  context.db.pragma("wal_checkpoint(TRUNCATE)");
}

/** Opens the store of `config`, fills it, closes it. */
export function fillStore(config: Config, count: number): void {
  const context = openPurgatoryContext(config);
  try {
    holdMany(context, randomPubkey(), count, Math.floor(Date.now() / 1000));
  } finally {
    context.close();
  }
}
