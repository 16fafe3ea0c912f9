// NIP-70: an event with the `["-"]` tag may be published only by its author, authenticated
// (NIP-42) on this connection. Our own release of such an event (through `strfry import`) was
// checked when its author published it.

import type { Rule } from "./rule.js";
import { accept, reject } from "./verdict.js";

export function protectedEventIsAuthed(): Rule {
  return ({ event, source }) => {
    const isProtected = event.tags.some((tag) => tag.length === 1 && tag[0] === "-");
    if (!isProtected || source.type === "release" || source.authed === event.pubkey) return accept();
    return reject("auth-required: this event is protected (NIP-70): only its author, authenticated, may publish it");
  };
}
