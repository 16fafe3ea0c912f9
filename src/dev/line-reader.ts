// Answer lines from a child's stdout, read one at a time with a deadline, the way strfry's
// StreamReader reads its plugin: lines that arrive early wait for the next read, and a line
// longer than the record limit is an error rather than two half lines.

import type { Readable } from "node:stream";

export interface LineReader {
  /** The next line without its newline; rejects on timeout, end of stream or an over-long line. */
  next(timeoutMs: number): Promise<string>;
}

interface Waiter {
  resolve(line: string): void;
  reject(error: Error): void;
}

export function lineReader(stream: Readable, maxLineBytes: number): LineReader {
  const lines: string[] = [];
  let partial = "";
  let failure: Error | undefined;
  let waiter: Waiter | undefined;

  const wake = () => {
    if (waiter === undefined) return;
    const current = waiter;
    if (lines.length > 0) {
      waiter = undefined;
      current.resolve(lines.shift()!);
    } else if (failure !== undefined) {
      waiter = undefined;
      current.reject(failure);
    }
  };
  const tooLong = (text: string) => Buffer.byteLength(text) + 1 > maxLineBytes;

  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    if (failure !== undefined) return;
    const parts = (partial + chunk).split("\n");
    partial = parts.pop()!;
    for (const line of parts) {
      if (tooLong(line)) failure = new Error(`plugin wrote a line longer than ${maxLineBytes} bytes`);
      else lines.push(line);
    }
    if (tooLong(partial)) failure = new Error(`plugin wrote a line longer than ${maxLineBytes} bytes`);
    wake();
  });
  const ended = () => {
    failure ??= new Error("pipe to plugin was closed (plugin crashed?)");
    wake();
  };
  stream.on("end", ended);
  stream.on("close", ended);
  stream.on("error", ended);

  return {
    next(timeoutMs) {
      if (lines.length > 0) return Promise.resolve(lines.shift()!);
      if (failure !== undefined) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          reject(new Error(`timed out after ${timeoutMs} ms waiting for an answer`));
        }, timeoutMs);
        waiter = {
          resolve(line) {
            clearTimeout(timer);
            resolve(line);
          },
          reject(error) {
            clearTimeout(timer);
            reject(error);
          },
        };
      });
    },
  };
}
