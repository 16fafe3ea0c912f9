// fcgiwrap's socket as its .socket unit makes it, for `stack` (no systemd): a listening Unix
// socket with the unit's owner, group and mode, handed to fcgiwrap as systemd hands it over
// (fd 3, LISTEN_FDS=1; see processes.ts's launch).

import { chmodSync, chownSync, renameSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { GraspError } from "../errors.js";
import { findGroup, findUser } from "./accounts.js";
import type { Accounts } from "./accounts.js";
import type { SocketSpec } from "./unit-file.js";

export interface ActivatedSocket {
  /** The listening descriptor, to pass to the service. */
  fd: number;
  /** Once the service holds it: put the socket at its path. */
  finish(): void;
}

export async function listenLikeSocketUnit(spec: SocketSpec, accounts: Accounts): Promise<ActivatedSocket> {
  const user = findUser(accounts, spec.user);
  const group = findGroup(accounts, spec.group);
  if (user === undefined || group === undefined) throw new GraspError(`the socket unit names ${spec.user}:${spec.group}, which does not exist`);
  // libuv unlinks a listening socket's path when it closes the handle (at our exit, too): bind a
  // temporary name and rename it into place once fcgiwrap holds the socket.
  const temporary = `${spec.path}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ path: temporary, backlog: 511 }, () => resolve());
  });
  const handle = (server as unknown as { _handle: { fd: number; setBlocking(blocking: boolean): number } })._handle;
  // fcgiwrap's children accept() on it; libuv made it non-blocking, which makes them exit at once.
  handle.setBlocking(true);
  chownSync(temporary, user.uid, group.gid);
  chmodSync(temporary, spec.mode);
  return {
    fd: handle.fd,
    finish: () => {
      rmSync(spec.path, { force: true });
      renameSync(temporary, spec.path);
      server.unref();
    },
  };
}
