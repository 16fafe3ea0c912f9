// Reads the generated systemd units, so that `stack` starts strfry and fcgiwrap exactly as
// the units say (user, group, umask, working directory, command, socket) on a machine
// without systemd. Only what our units use is understood.

import { GraspError } from "../errors.js";

/** Section → key → values (a key may repeat). */
export type UnitFile = Record<string, Record<string, string[]>>;

export function parseUnit(text: string): UnitFile {
  const unit: UnitFile = {};
  let section: Record<string, string[]> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header !== null) {
      section = unit[header[1]!] ??= {};
      continue;
    }
    const setting = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (setting === null || section === undefined) continue;
    (section[setting[1]!] ??= []).push(setting[2]!);
  }
  return unit;
}

function single(unit: UnitFile, section: string, key: string, name: string): string {
  const value = unit[section]?.[key]?.at(-1);
  if (value === undefined) throw new GraspError(`${name} has no ${key}= in [${section}]`);
  return value;
}

export interface ServiceLaunch {
  user: string;
  group: string;
  umask: number;
  workingDirectory: string | undefined;
  argv: string[];
}

export function serviceLaunch(unit: UnitFile, name: string): ServiceLaunch {
  const umask = unit.Service?.UMask?.at(-1);
  return {
    user: single(unit, "Service", "User", name),
    group: single(unit, "Service", "Group", name),
    umask: umask === undefined ? 0o022 : parseInt(umask, 8),
    workingDirectory: unit.Service?.WorkingDirectory?.at(-1),
    // Our ExecStart lines are plain words (the templates allow no quotes or spaces in values).
    argv: single(unit, "Service", "ExecStart", name).split(/\s+/).filter((word) => word !== ""),
  };
}

export interface SocketSpec {
  path: string;
  user: string;
  group: string;
  mode: number;
}

export function socketSpec(unit: UnitFile, name: string): SocketSpec {
  return {
    path: single(unit, "Socket", "ListenStream", name),
    user: single(unit, "Socket", "SocketUser", name),
    group: single(unit, "Socket", "SocketGroup", name),
    mode: parseInt(single(unit, "Socket", "SocketMode", name), 8),
  };
}
