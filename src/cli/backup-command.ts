// `grasp-purgatory backup <file>` and `restore <file>`: the purgatory's store, copied online
// with SQLite's backup API (a consistent snapshot while the policy and the hooks write), and
// put back while the policy process is stopped. strfry's events (`strfry export`) and the
// git root are backed up with their own tools (README, Operating it).

import { chmodSync, chownSync, existsSync, rmSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import type { Command } from "commander";
import type { Config } from "../config.js";
import { daemonSocketPath, databasePath } from "../config.js";
import { ExitCode, GraspError } from "../errors.js";
import { askDaemon } from "../plugin/daemon-client.js";
import { currentSchemaVersion, openDatabase, schemaVersion, storeFiles } from "../purgatory/database.js";
import { printJson } from "./format.js";
import { configOf } from "./global-options.js";

export interface BackupResult {
  store: string;
  file: string;
  pages: number;
  schemaVersion: number;
}

export async function backupStore(config: Config, file: string): Promise<BackupResult> {
  const store = databasePath(config);
  if (!existsSync(store)) throw new GraspError(`no store at ${store} to back up: check the dataDir setting (${config.dataDir})`, ExitCode.unavailable);
  if (existsSync(file)) throw new GraspError(`${file} exists already: give a new file, so that no backup is overwritten`, ExitCode.usage);
  const db = openDatabase(store, { migrate: false });
  try {
    const { totalPages } = await db.backup(file);
    // It holds what the store holds: readable by the deployment's group, not by everyone.
    chmodSync(file, 0o640);
    return { store, file, pages: totalPages, schemaVersion: schemaVersion(db) };
  } finally {
    db.close();
  }
}

export async function restoreStore(config: Config, file: string): Promise<BackupResult> {
  const store = databasePath(config);
  if (!existsSync(file)) throw new GraspError(`no backup at ${file}`, ExitCode.notFound);
  const daemon = await askDaemon(daemonSocketPath(config), { op: "ping" }, 2000);
  if (daemon.ok) {
    throw new GraspError(`the policy process (pid ${String(daemon.pid)}) is running and writes the store: stop strfry first (systemctl stop grasp-strfry), then restore`, ExitCode.failure);
  }
  const backup = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = backup.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") throw new GraspError(`${file} is damaged (integrity_check: ${String(integrity)}): use another backup`, ExitCode.failure);
    const version = schemaVersion(backup);
    if (version > currentSchemaVersion) throw new GraspError(`${file} has schema version ${version}, newer than this program's ${currentSchemaVersion}: restore with the version that made it`, ExitCode.failure);
    // The old store's -wal would be replayed into the restored file: everything of it goes.
    for (const path of storeFiles(store)) rmSync(path, { force: true });
    const { totalPages } = await backup.backup(store);
    // As root, the store goes back to whoever owns the data directory (strfry's user), in its group.
    if (process.geteuid?.() === 0) {
      const { uid, gid } = statSync(config.dataDir);
      chownSync(store, uid, gid);
    }
    openDatabase(store, { migrate: false }).close();
    return { store, file, pages: totalPages, schemaVersion: version };
  } finally {
    backup.close();
  }
}

export function registerBackupCommands(program: Command): void {
  program
    .command("backup")
    .description("Copy the purgatory's store (held events, index, history) to a new file while everything runs (SQLite's online backup).")
    .argument("<file>", "the backup to write; must not exist")
    .option("--json", "print {store, file, pages, schemaVersion}")
    .addHelpText("after", "\nExample:\n  grasp-purgatory backup /var/backups/grasp/purgatory-$(date +%F).sqlite")
    .action(async (file: string, options: { json?: boolean }, command: Command) => {
      const result = await backupStore(configOf(command), file);
      if (options.json) printJson(result);
      else process.stdout.write(`backed up ${result.store} (${result.pages} pages, schema version ${result.schemaVersion}) to ${result.file}\n`);
    });
  program
    .command("restore")
    .description("Put a backup made by `backup` in place of the store; strfry (and so the policy process) must be stopped.")
    .argument("<file>", "the backup to restore")
    .option("--json", "print {store, file, pages, schemaVersion}")
    .addHelpText("after", "\nExample:\n  systemctl stop grasp-strfry && grasp-purgatory restore /var/backups/grasp/purgatory-2026-01-31.sqlite && systemctl start grasp-strfry")
    .action(async (file: string, options: { json?: boolean }, command: Command) => {
      const result = await restoreStore(configOf(command), file);
      if (options.json) printJson(result);
      else process.stdout.write(`restored ${result.file} (${result.pages} pages, schema version ${result.schemaVersion}) to ${result.store}\n`);
    });
}
