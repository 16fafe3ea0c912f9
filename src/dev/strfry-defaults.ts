// The limits of a default strfry.conf, so that what passes or fails here passes or fails the
// same way in production.

/** events.maxEventSize: bytes of an event's normalised JSON. */
export const maxEventBytes = 65536;
/** relay.maxWebsocketPayloadSize: bytes of one websocket message. */
export const maxWebsocketPayloadBytes = 131072;
/** relay.maxFilterLimit: events one filter returns at most, whatever its `limit`. */
export const maxFilterLimit = 500;
/** events.maxNumTags */
export const maxNumTags = 250;
/** events.maxTagValSize: bytes of a single-letter tag's value. */
export const maxTagValueBytes = 255;
/** events.rejectEventsNewerThanSeconds */
export const rejectEventsNewerThanSeconds = 900;
/** events.rejectEventsOlderThanSeconds (three years) */
export const rejectEventsOlderThanSeconds = 94608000;
/** events.rejectEphemeralEventsOlderThanSeconds */
export const rejectEphemeralEventsOlderThanSeconds = 60;
/** events.ephemeralEventsLifetimeSeconds */
export const ephemeralEventsLifetimeSeconds = 300;
/** strfry refuses a REQ with more filters than this ("arr too big"). */
export const maxFiltersPerReq = 20;
/** relay.writePolicy.timeoutSeconds */
export const defaultPluginTimeoutSeconds = 10;
/** strfry reads plugin answers with an 8192-byte record limit (PluginEventSifter). */
export const maxPluginAnswerBytes = 8192;
