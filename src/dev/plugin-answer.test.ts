import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readPluginAnswer } from "./plugin-answer.js";

const id = "e".repeat(64);

describe("readPluginAnswer", () => {
  it("reads the three actions, with an absent msg as empty", () => {
    assert.deepEqual(readPluginAnswer(JSON.stringify({ id, action: "accept" }), id), { kind: "answer", action: "accept", msg: "" });
    assert.deepEqual(readPluginAnswer(JSON.stringify({ id, action: "reject", msg: "blocked: no" }), id), { kind: "answer", action: "reject", msg: "blocked: no" });
    assert.deepEqual(readPluginAnswer(JSON.stringify({ id, action: "shadowReject", msg: "purgatory: held" }), id), {
      kind: "answer",
      action: "shadowReject",
      msg: "purgatory: held",
    });
  });

  it("skips lines that are not JSON", () => {
    for (const line of ["", "starting", "{not json"]) assert.deepEqual(readPluginAnswer(line, id), { kind: "skip" });
  });

  it("treats JSON that is not this event's answer as an error", () => {
    for (const line of ["5", "[]", "null", JSON.stringify({ action: "accept" }), JSON.stringify({ id: "f".repeat(64), action: "accept" })]) {
      assert.equal(readPluginAnswer(line, id).kind, "error", line);
    }
    assert.equal(readPluginAnswer(JSON.stringify({ id, msg: "x" }), id).kind, "error");
    assert.equal(readPluginAnswer(JSON.stringify({ id, action: "hold" }), id).kind, "error");
    assert.equal(readPluginAnswer(JSON.stringify({ id, action: "accept", msg: 5 }), id).kind, "error");
  });
});
