import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseClientMessage } from "./client-message.js";

const notice = (text: string) => {
  const message = parseClientMessage(text);
  return message.type === "notice" ? message.message : `not a notice: ${message.type}`;
};

describe("parseClientMessage", () => {
  it("reads EVENT, REQ and CLOSE", () => {
    assert.deepEqual(parseClientMessage('["EVENT",{"id":"abc","kind":1}]'), { type: "EVENT", id: "abc", event: { id: "abc", kind: 1 } });
    assert.deepEqual(parseClientMessage('["REQ","s",{"kinds":[1],"#t":["x"],"limit":5},{"ids":[]}]'), {
      type: "REQ",
      subscriptionId: "s",
      filters: [{ kinds: [1], "#t": ["x"], limit: 5 }],
    });
    assert.deepEqual(parseClientMessage('["CLOSE","s"]'), { type: "CLOSE", subscriptionId: "s" });
  });

  it("ignores a bare newline, as strfry does for websocat users", () => {
    assert.deepEqual(parseClientMessage("\n"), { type: "ignore" });
  });

  it("answers malformed messages with strfry's NOTICE prefixes", () => {
    assert.equal(notice("hello"), "ERROR: bad msg: unparseable message");
    assert.equal(notice("[1,"), "ERROR: bad msg: message is not valid JSON");
    assert.equal(notice('["EVENT"]'), "ERROR: bad msg: bad message");
    assert.equal(notice("[1, 2]"), "ERROR: bad msg: command is not a string");
    assert.equal(notice('["AUTH", {}]'), 'ERROR: bad msg: unknown cmd "AUTH"');
    assert.equal(notice('["EVENT", "x"]'), "ERROR: bad msg: event has no string id");
    assert.equal(notice('["REQ", "s"]'), "ERROR: bad req: arr too small");
    assert.equal(notice(JSON.stringify(["REQ", "s", ...Array(21).fill({})])), "ERROR: bad req: arr too big");
    assert.equal(notice('["REQ", "", {}]'), "ERROR: bad req: subscription id is empty");
    assert.equal(notice(JSON.stringify(["REQ", "x".repeat(65), {}])), "ERROR: bad req: subscription id is longer than 64 characters");
    assert.equal(notice('["CLOSE", "a", "b"]'), "ERROR: bad close: arr too small/big");
    assert.equal(notice('["CLOSE", 1]'), "ERROR: bad close: subscription id is not a string");
  });

  it("refuses filters of the wrong shape, naming the field", () => {
    const hex = "a".repeat(64);
    assert.equal(notice('["REQ","s",[]]'), "ERROR: bad req: filter is not an object");
    assert.match(notice('["REQ","s",{"ids":["abc"]}]'), /^ERROR: bad req: ids must be/);
    assert.match(notice('["REQ","s",{"authors":"x"}]'), /^ERROR: bad req: authors must be/);
    assert.match(notice('["REQ","s",{"kinds":[-1]}]'), /^ERROR: bad req: kinds must be/);
    assert.match(notice('["REQ","s",{"#e":["x"]}]'), /^ERROR: bad req: #e values must be/);
    assert.match(notice('["REQ","s",{"#t":[1]}]'), /^ERROR: bad req: #t must be a list of strings/);
    assert.match(notice('["REQ","s",{"since":1.5}]'), /^ERROR: bad req: since must be/);
    assert.match(notice('["REQ","s",{"limit":"10"}]'), /^ERROR: bad req: limit must be/);
    assert.match(notice('["REQ","s",{"#tag":["x"]}]'), /^ERROR: bad req: unindexed tag filter/);
    assert.match(notice('["REQ","s",{"#a":["1"],"#b":["2"],"#c":["3"]}]'), /^ERROR: bad req: too many tags in filter/);
    assert.match(notice('["REQ","s",{"search":"x"}]'), /^ERROR: bad req: unrecognised filter item "search"/);
    assert.equal(parseClientMessage(`["REQ","s",{"ids":["${hex}"],"#p":["${hex}"]}]`).type, "REQ");
  });
});
