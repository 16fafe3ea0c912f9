import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { lineReader } from "./line-reader.js";

describe("lineReader", () => {
  it("hands out lines in order, whether they arrived before or after the read, split or joined", async () => {
    const stream = new PassThrough();
    const reader = lineReader(stream, 100);
    stream.write("one\ntw");
    assert.equal(await reader.next(1000), "one");
    const pending = reader.next(1000);
    stream.write("o\nthree\n");
    assert.equal(await pending, "two");
    assert.equal(await reader.next(1000), "three");
  });

  it("times out, and the line still arrives for the next read", async () => {
    const stream = new PassThrough();
    const reader = lineReader(stream, 100);
    await assert.rejects(reader.next(20), /timed out after 20 ms/);
    stream.write("late\n");
    assert.equal(await reader.next(1000), "late");
  });

  it("fails on a line over the limit and at the end of the stream", async () => {
    const long = new PassThrough();
    const longReader = lineReader(long, 10);
    long.write("0123456789\n");
    await assert.rejects(longReader.next(1000), /longer than 10 bytes/);

    const ending = new PassThrough();
    const endingReader = lineReader(ending, 100);
    ending.end("last\n");
    assert.equal(await endingReader.next(1000), "last");
    await assert.rejects(endingReader.next(1000), /pipe to plugin was closed/);
  });
});
