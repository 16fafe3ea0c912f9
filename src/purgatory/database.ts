// Opens the store: one SQLite file in WAL mode, shared by the policy process, the hooks and
// the CLI. Every write the policy makes commits before its answer goes to strfry.

import Database from "better-sqlite3";
import { accessSync, chmodSync, constants, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { describeGid, describeUid, readAccounts } from "../deploy/accounts.js";
import { formatMode } from "../deploy/permissions.js";
import { GraspError, ExitCode } from "../errors.js";
import { migrations } from "./migrations.js";

export type Db = Database.Database;

export interface OpenStoreOptions {
  /** Apply pending migrations (the policy process does; read-only tools report instead). */
  migrate?: boolean;
}

export function openDatabase(path: string, options: OpenStoreOptions = {}): Db {
  let db: Db | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    // Takes effect only in a new file (before its first table): the sweep can then give pages back.
    db.pragma("auto_vacuum = INCREMENTAL");
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    // The hooks and the CLI write too; wait for a writer rather than failing.
    db.pragma("busy_timeout = 5000");
    shareStoreFiles(path);
    if (options.migrate ?? true) migrate(db);
    return db;
  } catch (error) {
    db?.close();
    const problem = unwritableStoreFile(path);
    throw new GraspError(
      problem === undefined
        ? `cannot open the store ${path}: ${(error as Error).message}; check the dataDir setting and that the file is this program's SQLite store`
        : `cannot open the store ${path}: ${(error as Error).message}; ${problem}`,
      ExitCode.unavailable,
    );
  }
}

/**
 * The store is shared by two users through one group: strfry's user runs the policy, the web
 * server's user runs the hooks. Its files must be group-writable whatever the umask of the
 * process that created them. SQLite gives -wal and -shm the main file's mode when it creates
 * them; a file another user owns is theirs to fix (the error below and `doctor` say so).
 */
export const storeFileMode = 0o660;

export const storeFiles = (path: string): string[] => [path, `${path}-wal`, `${path}-shm`];

function shareStoreFiles(path: string): void {
  for (const file of storeFiles(path)) {
    try {
      const { mode, uid } = statSync(file);
      if ((mode & 0o777) !== storeFileMode && uid === process.geteuid?.()) chmodSync(file, storeFileMode);
    } catch {
      // not there (yet)
    }
  }
}

/** Which store file (or the directory) this user cannot write, and what to do; undefined when that is not the problem. */
function unwritableStoreFile(path: string): string | undefined {
  for (const file of [dirname(path), ...storeFiles(path)]) {
    try {
      accessSync(file, constants.W_OK);
    } catch (error) {
      // Only a permission problem is one to explain here; anything else keeps its own message.
      if (!["EACCES", "EPERM", "EROFS"].includes((error as NodeJS.ErrnoException).code ?? "")) continue;
      const accounts = readAccounts();
      const { uid, gid, mode } = statSync(file);
      const me = describeUid(accounts, process.geteuid?.() ?? -1);
      return (
        `${me} cannot write ${file} (owner ${describeUid(accounts, uid)}, group ${describeGid(accounts, gid)}, mode ${formatMode(mode)}): ` +
        `run this as root, as its owner or as a member of its group, or make the store files group-writable (chmod 660) for the group strfry's and git's users share`
      );
    }
  }
  return undefined;
}

/**
 * A transaction that takes the write lock at its start (BEGIN IMMEDIATE). The policy, the
 * hooks and the CLI write to one file: a transaction that read first and wrote later would
 * fail at once ("database is locked") when another process wrote in between, where this one
 * waits its turn (busy_timeout). Inside another transaction it joins that one rather than
 * opening a savepoint: a savepoint cost a held event's answer a quarter of its commit, and
 * no caller catches a failure inside a transaction to carry on with the rest of it.
 */
export function writeTransaction<A extends unknown[], R>(db: Db, body: (...args: A) => R): (...args: A) => R {
  const transaction = db.transaction(body);
  return (...args: A) => (db.inTransaction ? body(...args) : transaction.immediate(...args));
}

export function schemaVersion(db: Db): number {
  return db.pragma("user_version", { simple: true }) as number;
}

export const currentSchemaVersion = migrations.length;

/**
 * Lets the sweep give pages back to the file system (PRAGMA incremental_vacuum). A new store
 * starts that way; an older one is rewritten once, by the policy process.
 */
export function reclaimSpaceIncrementally(db: Db): void {
  if (db.pragma("auto_vacuum", { simple: true }) === 2) return;
  db.pragma("auto_vacuum = INCREMENTAL");
  db.exec("VACUUM");
}

export function migrate(db: Db): void {
  // Current already (every hook and command opens the store): no write lock needed to know.
  if (schemaVersion(db) >= migrations.length) return;
  // IMMEDIATE takes the write lock before reading the version, so two processes starting
  // at once cannot both run migration N.
  const applyNext = db.transaction((): boolean => {
    const version = schemaVersion(db);
    if (version >= migrations.length) return false;
    db.exec(migrations[version]!);
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  while (applyNext.immediate()) {
    // one migration per transaction
  }
}
