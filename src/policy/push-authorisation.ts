// SPEC §5 pre-receive: a push is accepted only if it leaves the repository's branches and tags
// exactly as a state event of the owner's maintainer set declares (a held one, or the latest
// accepted one), and `refs/nostr/<id>` only at the tip its PR event names.

import { isHex64 } from "../nostr/event.js";
import { isNewerEvent } from "../nostr/coordinates.js";
import type { RepositoryState } from "../nostr/repository-state.js";
import { winningState } from "./winning-state.js";

export interface RefUpdate {
  ref: string;
  oldOid: string;
  newOid: string;
}

export interface PushInput {
  updates: readonly RefUpdate[];
  /** The repository's branches and tags before the push. */
  current: ReadonlyMap<string, string>;
  /** Held states by members of the owner's maintainer set. */
  heldStates: readonly RepositoryState[];
  /** The newest accepted state by a member of the owner's maintainer set. */
  latestAccepted: RepositoryState | undefined;
  /** The tip (`c`) of an accepted or held PR event with this id. */
  pullRequestTip: (id: string) => string | undefined;
  /** This repository already has a placeholder for this id (a push moving it adds none). */
  hasPlaceholder: (id: string) => boolean;
  /** Placeholders the repository has now. */
  placeholdersInRepository: number;
  limits: { placeholdersPerPush: number; placeholdersPerRepository: number };
}

export type PushDecision =
  | {
      allowed: true;
      /** The held state this push completes, whose expiry must wait for post-receive. */
      authorisingState: string | undefined;
      /** `refs/nostr/<id>` pushed before their PR event: placeholders to record. */
      placeholders: { eventId: string; tip: string }[];
    }
  /** `problems` counts the lines that name a problem; `limit` names the setting when a limit refused it. */
  | { allowed: false; errors: string[]; problems: number; limit?: string };

const isZero = (oid: string) => /^0+$/.test(oid);
const short = (oid: string) => oid.slice(0, 8);
const isBranchOrTag = (ref: string) => ref.startsWith("refs/heads/") || ref.startsWith("refs/tags/");

function sameRefs(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([ref, oid]) => b.get(ref) === oid);
}

/** Where the push differs from what a state declares, one line per ref. */
export function refDifferences(wouldBe: ReadonlyMap<string, string>, state: RepositoryState): string[] {
  const lines: string[] = [];
  for (const ref of new Set([...wouldBe.keys(), ...state.refs.keys()])) {
    const pushed = wouldBe.get(ref);
    const declared = state.refs.get(ref);
    if (pushed === declared) continue;
    if (declared === undefined) lines.push(`${ref}: pushed ${short(pushed!)}, state ${short(state.id)} does not declare it`);
    else if (pushed === undefined) lines.push(`${ref}: state ${short(state.id)} declares ${short(declared)}, the push leaves it absent`);
    else lines.push(`${ref}: pushed ${short(pushed)}, state declares ${short(declared)}`);
  }
  return lines;
}

export function authorisePush(input: PushInput): PushDecision {
  const changed = input.updates.filter((update) => update.oldOid !== update.newOid);
  if (changed.length === 0) return { allowed: true, authorisingState: undefined, placeholders: [] };

  const errors: string[] = [];
  const placeholders: { eventId: string; tip: string }[] = [];
  const stateUpdates: RefUpdate[] = [];
  for (const update of changed) {
    if (update.ref.startsWith("refs/nostr/")) {
      const id: string = update.ref.slice("refs/nostr/".length);
      const tip = isHex64(id) ? input.pullRequestTip(id) : undefined;
      if (!isHex64(id)) errors.push(`${update.ref.slice(0, 100)}: not a 64-character lower-case hex event id`);
      else if (isZero(update.newOid)) errors.push(`${update.ref}: PR refs cannot be deleted by a push`);
      else if (tip !== undefined && tip !== update.newOid) errors.push(`${update.ref}: pushed ${short(update.newOid)}, PR event declares ${short(tip)}`);
      else if (tip === undefined) placeholders.push({ eventId: id, tip: update.newOid });
    } else if (update.ref.startsWith("refs/heads/pr/")) {
      errors.push(`${update.ref}: pull requests travel as nostr events (kind 1618), not as refs/heads/pr/ branches`);
    } else if (!isBranchOrTag(update.ref)) {
      errors.push(`${update.ref}: only branches, tags and refs/nostr/<event id> can be pushed here`);
    } else {
      stateUpdates.push(update);
    }
  }
  if (errors.length > 0) return { allowed: false, errors, problems: errors.length };
  const newPlaceholders = placeholders.filter(({ eventId }) => !input.hasPlaceholder(eventId)).length;
  if (newPlaceholders > input.limits.placeholdersPerPush) {
    const errors = [`refs/nostr: this push leaves ${newPlaceholders} refs/nostr/<id> refs without a PR event, more than ${input.limits.placeholdersPerPush} (maxPlaceholdersPerPush): publish the PR events first, or push fewer at a time`];
    return { allowed: false, errors, problems: 1, limit: "maxPlaceholdersPerPush" };
  }
  if (newPlaceholders > 0 && input.placeholdersInRepository + newPlaceholders > input.limits.placeholdersPerRepository) {
    const errors = [
      `refs/nostr: the repository has ${input.placeholdersInRepository} refs/nostr/<id> refs waiting for their PR events; ${newPlaceholders} more would pass ${input.limits.placeholdersPerRepository} (maxPlaceholdersPerRepository): publish the PR events, or wait for the others to expire`,
    ];
    return { allowed: false, errors, problems: 1, limit: "maxPlaceholdersPerRepository" };
  }
  if (stateUpdates.length === 0) return { allowed: true, authorisingState: undefined, placeholders };

  const wouldBe = new Map(input.current);
  for (const update of stateUpdates) {
    if (isZero(update.newOid)) wouldBe.delete(update.ref);
    else wouldBe.set(update.ref, update.newOid);
  }
  const latest = input.latestAccepted;
  // A state older than the one served never authorises: it would roll the repository back.
  const usable = input.heldStates.filter(
    (state) => latest === undefined || isNewerEvent({ id: state.id, created_at: state.createdAt }, { id: latest.id, created_at: latest.createdAt }),
  );
  const matching = winningState(usable.filter((state) => sameRefs(state.refs, wouldBe)));
  if (matching !== undefined) return { allowed: true, authorisingState: matching.id, placeholders };
  if (latest !== undefined && sameRefs(latest.refs, wouldBe)) return { allowed: true, authorisingState: undefined, placeholders };

  const closest = winningState(latest === undefined ? usable : [...usable, latest]);
  if (closest === undefined) {
    return {
      allowed: false,
      errors: ["no repository state event (kind 30618) from a maintainer authorises this push: publish the state first (ngit does this for you)"],
      problems: 1,
    };
  }
  const differences = refDifferences(wouldBe, closest);
  // Often a typo in the state (["main", "<id>"] for ["refs/heads/main", "<id>"]): say how to mend it.
  const declaresNoBranch = ![...closest.refs.keys()].some((ref) => ref.startsWith("refs/heads/"));
  const pushesBranches = [...wouldBe.keys()].some((ref) => ref.startsWith("refs/heads/"));
  const hint =
    declaresNoBranch && pushesBranches
      ? [`state ${short(closest.id)} declares no branch: if that is a mistake (a tag like ["main", "<commit id>"] where ["refs/heads/main", "<commit id>"] was meant), publish a corrected state`]
      : [];
  return {
    allowed: false,
    errors: [`the push does not match the newest state event ${short(closest.id)}:`, ...differences, ...hint],
    problems: differences.length,
  };
}
