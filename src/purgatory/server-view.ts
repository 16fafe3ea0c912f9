// The view the rules read: the accepted index and the purgatory, as one read-only object.

import type { ServerView } from "../policy/view.js";
import type { AcceptedIndex } from "./accepted-index.js";
import type { Purgatory } from "./held-events.js";

export function serverView(index: AcceptedIndex, purgatory: Purgatory): ServerView {
  return { ...index.view, isHeld: purgatory.isHeld, isHeldCoordinate: purgatory.isHeldCoordinate };
}
