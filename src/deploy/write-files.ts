// Writes the rendered deployment without losing an operator's edits: a file is overwritten
// only when it is still what `deploy` last wrote (recorded, with its hash, in the manifest),
// or with --force. Decided first for every file, so a refusal writes nothing.

import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ExitCode, GraspError } from "../errors.js";

export interface RenderedFile {
  path: string;
  content: string;
  mode: number;
}

export type FileAction = "create" | "update" | "unchanged" | "overwrite" | "conflict";

export interface FilePlan {
  file: RenderedFile;
  /** Where it is written: the path itself, or under --out. */
  target: string;
  action: FileAction;
}

/** Path → sha256 of the content deploy wrote there. */
export type Manifest = Record<string, string>;

export const contentHash = (content: string) => createHash("sha256").update(content).digest("hex");

export function planWrites(
  files: readonly RenderedFile[],
  current: (target: string) => string | undefined,
  manifest: Manifest,
  options: { out: string; force: boolean },
): FilePlan[] {
  return files.map((file) => {
    const target = join(options.out, file.path);
    const existing = current(target);
    const action: FileAction =
      existing === undefined
        ? "create"
        : existing === file.content
          ? "unchanged"
          : manifest[file.path] === contentHash(existing)
            ? "update"
            : options.force
              ? "overwrite"
              : "conflict";
    return { file, target, action };
  });
}

export function readCurrent(target: string): string | undefined {
  try {
    return readFileSync(target, "utf8");
  } catch {
    return undefined;
  }
}

export function readManifest(path: string): Manifest {
  const text = readCurrent(path);
  if (text === undefined) return {};
  try {
    const parsed = JSON.parse(text) as { files?: Manifest };
    return parsed.files ?? {};
  } catch {
    return {};
  }
}

function writeAtomically(target: string, content: string, mode: number): void {
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, target);
}

/** Writes what the plan says, then the manifest; throws (having written nothing) on a conflict. */
export function applyWrites(plans: readonly FilePlan[], manifestTarget: string, manifest: Manifest, forceHint: string): void {
  const conflicts = plans.filter((plan) => plan.action === "conflict");
  if (conflicts.length > 0) {
    throw new GraspError(
      `${conflicts.length === 1 ? "this file was" : "these files were"} changed since deploy wrote ${conflicts.length === 1 ? "it" : "them"}, so nothing was written: ` +
        `${conflicts.map((plan) => plan.target).join(", ")}. Compare them with the new version (${forceHint} --out <dir> writes it elsewhere), then rerun with --force to replace them`,
      ExitCode.failure,
    );
  }
  const recorded: Manifest = { ...manifest };
  for (const plan of plans) {
    if (plan.action !== "unchanged") writeAtomically(plan.target, plan.file.content, plan.file.mode);
    else chmodSync(plan.target, plan.file.mode);
    recorded[plan.file.path] = contentHash(plan.file.content);
  }
  writeAtomically(manifestTarget, JSON.stringify({ comment: "What grasp-purgatory deploy wrote: it replaces only files that still have these hashes.", files: recorded }, null, 2) + "\n", 0o644);
}
