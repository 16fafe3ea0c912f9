import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import { newAuthor } from "../nostr/event-fixtures.js";
import { accept, hold, purgatoryMessage, reject } from "../policy/verdict.js";
import { formatAnswer, maxAnswerBytes, parseRequestLine } from "./protocol.js";

const author = newAuthor();
const event = author.sign({ kind: kinds.ShortTextNote, tags: [["t", "x"]], content: "hello" });
const request = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ type: "new", event, receivedAt: 1_700_000_000, sourceType: "IP4", sourceInfo: "203.0.113.5", ...overrides });
const withEvent = (changes: Record<string, unknown>) => request({ event: { ...event, ...changes } });

describe("parseRequestLine", () => {
  it("parses a strfry request", () => {
    assert.deepEqual(parseRequestLine(request({ authed: author.pubkey })), {
      ok: true,
      request: { event: JSON.parse(JSON.stringify(event)), receivedAt: 1_700_000_000, sourceType: "IP4", sourceInfo: "203.0.113.5", authed: author.pubkey },
    });
  });

  it("fills in what strfry may leave out", () => {
    const before = Math.floor(Date.now() / 1000);
    const parsed = parseRequestLine(JSON.stringify({ type: "new", event }));
    assert.ok(parsed.ok);
    assert.equal(parsed.request.sourceType, "");
    assert.equal(parsed.request.sourceInfo, "");
    assert.equal(parsed.request.authed, undefined);
    assert.ok(parsed.request.receivedAt >= before && parsed.request.receivedAt <= before + 5);
  });

  it("ignores fields of the wrong type around a good event", () => {
    const parsed = parseRequestLine(request({ receivedAt: "soon", sourceType: 4, sourceInfo: null, authed: 7 }));
    assert.ok(parsed.ok);
    assert.equal(parsed.request.sourceType, "");
    assert.equal(parsed.request.authed, undefined);
  });

  const unreadable: [string, string, string][] = [
    ["not JSON", "this is not json", "input line is not JSON"],
    ["truncated JSON", request().slice(0, 50), "input line is not JSON"],
    ["an empty line", "", "input line is not JSON"],
    ["a JSON array", "[1,2,3]", "input line is not a JSON object"],
    ["a JSON string", '"new"', "input line is not a JSON object"],
    ["JSON null", "null", "input line is not a JSON object"],
    ["a JSON number", "42", "input line is not a JSON object"],
    ["no event", JSON.stringify({ type: "new" }), "request has no event"],
    ["a null event", JSON.stringify({ type: "new", event: null }), "event is not an object"],
    ["an array event", JSON.stringify({ type: "new", event: [event] }), "event is not an object"],
    ["a string event", JSON.stringify({ type: "new", event: JSON.stringify(event) }), "event is not an object"],
    ["no type", JSON.stringify({ event: { kind: 1 } }), "unknown request type undefined"],
  ];
  for (const [name, line, problem] of unreadable) {
    it(`reports ${name} without an id`, () => {
      assert.deepEqual(parseRequestLine(line), { ok: false, id: undefined, problem });
    });
  }

  it("reports an unknown request type with the event's id", () => {
    assert.deepEqual(parseRequestLine(request({ type: "lookback" })), { ok: false, id: event.id, problem: 'unknown request type "lookback"' });
  });

  const { sig: _sig, ...withoutSig } = event;
  const badEvents: [string, string, string][] = [
    ["a missing pubkey", withEvent({ pubkey: undefined }), "event pubkey is not 64 lower-case hex characters"],
    ["an upper-case pubkey", withEvent({ pubkey: event.pubkey.toUpperCase() }), "event pubkey is not 64 lower-case hex characters"],
    ["a short pubkey", withEvent({ pubkey: event.pubkey.slice(1) }), "event pubkey is not 64 lower-case hex characters"],
    ["a missing sig", request({ event: withoutSig }), "event sig is not 128 lower-case hex characters"],
    ["a short sig", withEvent({ sig: "ab" }), "event sig is not 128 lower-case hex characters"],
    ["a numeric kind as a string", withEvent({ kind: "1" }), "event kind is not an integer between 0 and 65535"],
    ["a fractional kind", withEvent({ kind: 1.5 }), "event kind is not an integer between 0 and 65535"],
    ["a negative kind", withEvent({ kind: -1 }), "event kind is not an integer between 0 and 65535"],
    ["a kind above 65535", withEvent({ kind: 65536 }), "event kind is not an integer between 0 and 65535"],
    ["created_at as a string", withEvent({ created_at: "1700000000" }), "event created_at is not a non-negative integer"],
    ["a negative created_at", withEvent({ created_at: -1 }), "event created_at is not a non-negative integer"],
    ["a fractional created_at", withEvent({ created_at: 1.5 }), "event created_at is not a non-negative integer"],
    ["a huge created_at", withEvent({ created_at: 1e300 }), "event created_at is not a non-negative integer"],
    ["content not a string", withEvent({ content: { text: "hi" } }), "event content is not a string"],
    ["missing content", withEvent({ content: undefined }), "event content is not a string"],
    ["tags not an array", withEvent({ tags: { e: "x" } }), "event tags is not an array"],
    ["missing tags", withEvent({ tags: undefined }), "event tags is not an array"],
    ["a tag that is not an array", withEvent({ tags: [["t", "x"], "e"] }), "event tag 1 is not an array of strings"],
    ["a tag with a number in it", withEvent({ tags: [["t", 1]] }), "event tag 0 is not an array of strings"],
    ["a tag with null in it", withEvent({ tags: [["e", null]] }), "event tag 0 is not an array of strings"],
  ];
  for (const [name, line, problem] of badEvents) {
    it(`answers an event with ${name}, keeping its id`, () => {
      assert.deepEqual(parseRequestLine(line), { ok: false, id: event.id, problem });
    });
  }

  const badIds: [string, unknown][] = [
    ["missing", undefined],
    ["upper-case", event.id.toUpperCase()],
    ["too short", event.id.slice(2)],
    ["a number", 12345],
  ];
  for (const [name, id] of badIds) {
    it(`reports an event whose id is ${name}, with no id to answer`, () => {
      assert.deepEqual(parseRequestLine(withEvent({ id })), { ok: false, id: undefined, problem: "event id is not 64 lower-case hex characters" });
    });
  }

  it("never throws on hostile input", () => {
    const hostile = [
      "{}",
      '{"type":"new","event":{"__proto__":{"id":"x"}}}',
      '{"type":"new","event":{"id":"' + "a".repeat(64) + '","tags":[[]]}}',
      "\u0000",
      "{".repeat(10_000),
      JSON.stringify({ type: "new", event: { ...event, tags: Array.from({ length: 10_000 }, () => ["t", "x"]) } }),
    ];
    for (const line of hostile) assert.doesNotThrow(() => parseRequestLine(line));
  });
});

describe("formatAnswer", () => {
  const id = event.id;

  it("maps each verdict to strfry's action", () => {
    assert.deepEqual(JSON.parse(formatAnswer(id, accept())), { id, action: "accept", msg: "" });
    assert.deepEqual(JSON.parse(formatAnswer(id, reject("blocked: no"))), { id, action: "reject", msg: "blocked: no" });
    assert.deepEqual(JSON.parse(formatAnswer(id, hold(purgatoryMessage))), {
      id,
      action: "shadowReject",
      msg: "purgatory: won't be served until git data arrives",
    });
  });

  it("writes one line: no raw newline even when the message has some", () => {
    const line = formatAnswer(id, reject("blocked: one\ntwo\r\nthree\u2028"));
    assert.equal(line.includes("\n"), false);
    assert.equal(line.includes("\r"), false);
    assert.equal(JSON.parse(line).msg, "blocked: one\ntwo\r\nthree\u2028");
  });

  const fits = (line: string) => Buffer.byteLength(line) + 1 <= maxAnswerBytes;

  it("leaves a message alone when the line (with its newline) fits in 8192 bytes", () => {
    const overhead = Buffer.byteLength(formatAnswer(id, reject(""))) + 1;
    const msg = "x".repeat(maxAnswerBytes - overhead);
    const line = formatAnswer(id, reject(msg));
    assert.equal(Buffer.byteLength(line) + 1, maxAnswerBytes);
    assert.equal(JSON.parse(line).msg, msg);
    const longer = formatAnswer(id, reject(msg + "x"));
    assert.ok(fits(longer));
    assert.notEqual(JSON.parse(longer).msg, msg + "x");
  });

  const huge: [string, string][] = [
    ["ASCII", `blocked: ${"a".repeat(100_000)}`],
    ["multibyte", `blocked: ${"é".repeat(50_000)}`],
    ["emoji (surrogate pairs)", `blocked: ${"😀".repeat(50_000)}`],
    ["control characters escaped to six bytes each", `blocked: ${"\u0001".repeat(50_000)}`],
    ["quotes and backslashes", `blocked: ${'"\\'.repeat(50_000)}`],
  ];
  for (const [name, msg] of huge) {
    it(`shortens a huge ${name} message to fit, keeping its prefix and the action`, () => {
      for (const verdict of [reject(msg), hold(msg), accept(msg)]) {
        const line = formatAnswer(id, verdict);
        assert.ok(fits(line), `${Buffer.byteLength(line)} bytes`);
        const answer = JSON.parse(line) as { id: string; action: string; msg: string };
        assert.equal(answer.id, id);
        assert.equal(answer.action, { accept: "accept", reject: "reject", hold: "shadowReject" }[verdict.action]);
        assert.ok(answer.msg.startsWith("blocked: "));
        assert.ok(answer.msg.endsWith("…"));
        assert.ok(Buffer.byteLength(line) > maxAnswerBytes / 2, "not shortened far more than needed");
      }
    });
  }
});
