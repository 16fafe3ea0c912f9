// The NIP-11 document at `GET /` with `Accept: application/nostr+json`, with the GRASP
// fields clients look for to recognise a GRASP server.

import { maxSubscriptionIdLength } from "./client-message.js";
import {
  maxEventBytes,
  maxFilterLimit,
  maxNumTags,
  maxWebsocketPayloadBytes,
  rejectEventsNewerThanSeconds,
  rejectEventsOlderThanSeconds,
} from "./strfry-defaults.js";

export interface RelayInformationOptions {
  /** This package's version. */
  version: string;
}

export function relayInformation(options: RelayInformationOptions) {
  return {
    name: "grasp-purgatory dev",
    description: "A local GRASP server: nostr relay and git smart HTTP on one port, with the grasp-purgatory write policy.",
    software: "grasp-purgatory",
    version: options.version,
    supported_nips: [1, 9, 11, 34],
    supported_grasps: ["GRASP-01"],
    repo_acceptance_criteria:
      "Repository announcements (kind 30617) are accepted when they list this server in both their clone and relays tags; " +
      "the repository is created at once and the announcement is served once git data has been pushed. " +
      "State events (kind 30618) and pull requests wait in purgatory until their git data arrives. " +
      "Other events must reference an accepted repository or event.",
    limitation: {
      max_message_length: maxWebsocketPayloadBytes,
      max_subid_length: maxSubscriptionIdLength,
      max_limit: maxFilterLimit,
      default_limit: maxFilterLimit,
      max_event_tags: maxNumTags,
      max_content_length: maxEventBytes,
      auth_required: false,
      payment_required: false,
      restricted_writes: true,
      // NIP-11 gives these as seconds before and after now.
      created_at_lower_limit: rejectEventsOlderThanSeconds,
      created_at_upper_limit: rejectEventsNewerThanSeconds,
    },
  };
}
