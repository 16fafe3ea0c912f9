import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCgiHead } from "./cgi-response.js";

describe("parseCgiHead", () => {
  it("reads headers up to the empty line, with 200 when there is no Status", () => {
    const buffer = Buffer.from("Content-Type: application/x-git-upload-pack-advertisement\r\nCache-Control: no-cache\r\n\r\n001e# service");
    const result = parseCgiHead(buffer);
    assert.equal(result.kind, "head");
    if (result.kind !== "head") return;
    assert.equal(result.head.status, 200);
    assert.deepEqual(result.head.headers, [
      ["Content-Type", "application/x-git-upload-pack-advertisement"],
      ["Cache-Control", "no-cache"],
    ]);
    assert.equal(buffer.subarray(result.head.bodyStart).toString(), "001e# service");
  });

  it("takes the status from a Status header and accepts bare newlines", () => {
    const result = parseCgiHead(Buffer.from("Status: 403 Forbidden\nContent-Type: text/plain\n\nno"));
    assert.equal(result.kind === "head" && result.head.status, 403);
    assert.deepEqual(result.kind === "head" && result.head.headers, [["Content-Type", "text/plain"]]);
  });

  it("waits for more when the head is not complete", () => {
    assert.deepEqual(parseCgiHead(Buffer.from("Content-Type: text/plain\r\n")), { kind: "incomplete" });
  });

  it("refuses a head that is not CGI", () => {
    assert.equal(parseCgiHead(Buffer.from("garbage\r\n\r\n")).kind, "invalid");
    assert.equal(parseCgiHead(Buffer.from("Status: soon\r\n\r\n")).kind, "invalid");
  });
});
