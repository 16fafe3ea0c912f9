// The head of a CGI response (RFC 3875 §6): header lines up to an empty line, with an
// optional `Status:` header for the HTTP status. git http-backend ends lines with \r\n
// or \n; both are accepted.

export interface CgiHead {
  status: number;
  headers: [string, string][];
  /** Where the body starts in the buffer the head was read from. */
  bodyStart: number;
}

export type CgiHeadResult = { kind: "head"; head: CgiHead } | { kind: "incomplete" } | { kind: "invalid"; problem: string };

function headEnd(buffer: Buffer): { end: number; bodyStart: number } | undefined {
  const crlf = buffer.indexOf("\r\n\r\n");
  const lf = buffer.indexOf("\n\n");
  if (crlf === -1 && lf === -1) return undefined;
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return { end: crlf, bodyStart: crlf + 4 };
  return { end: lf, bodyStart: lf + 2 };
}

export function parseCgiHead(buffer: Buffer): CgiHeadResult {
  const found = headEnd(buffer);
  if (found === undefined) return { kind: "incomplete" };
  let status = 200;
  const headers: [string, string][] = [];
  for (const line of buffer.subarray(0, found.end).toString("latin1").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) return { kind: "invalid", problem: `bad CGI header line ${JSON.stringify(line.slice(0, 80))}` };
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") {
      const code = Number(/^(\d{3})/.exec(value)?.[1]);
      if (!Number.isInteger(code) || code < 100) return { kind: "invalid", problem: `bad CGI status ${JSON.stringify(value)}` };
      status = code;
    } else {
      headers.push([name, value]);
    }
  }
  return { kind: "head", head: { status, headers, bodyStart: found.bodyStart } };
}
