// The system's users and groups, read from /etc/passwd and /etc/group: who the two-user
// deployment's processes run as, and which groups give them access to a file.

import { readFileSync } from "node:fs";

export interface SystemUser {
  name: string;
  uid: number;
  /** The primary group. */
  gid: number;
  home: string;
}

export interface SystemGroup {
  name: string;
  gid: number;
  /** Supplementary members by name (a user's primary group lists nobody). */
  members: string[];
}

export interface Accounts {
  users: SystemUser[];
  groups: SystemGroup[];
}

/** `name:x:uid:gid:gecos:home:shell` lines; anything malformed is skipped. */
export function parsePasswd(text: string): SystemUser[] {
  return text
    .split("\n")
    .map((line) => line.split(":"))
    .filter((fields) => fields.length >= 7 && /^\d+$/.test(fields[2]!) && /^\d+$/.test(fields[3]!))
    .map((fields) => ({ name: fields[0]!, uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5]! }));
}

/** `name:x:gid:member,member` lines. */
export function parseGroup(text: string): SystemGroup[] {
  return text
    .split("\n")
    .map((line) => line.split(":"))
    .filter((fields) => fields.length >= 4 && /^\d+$/.test(fields[2]!))
    .map((fields) => ({ name: fields[0]!, gid: Number(fields[2]), members: fields[3]!.split(",").filter((member) => member !== "") }));
}

const readOr = (path: string): string => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
};

export function readAccounts(etc = "/etc"): Accounts {
  return { users: parsePasswd(readOr(`${etc}/passwd`)), groups: parseGroup(readOr(`${etc}/group`)) };
}

export const findUser = (accounts: Accounts, name: string) => accounts.users.find((user) => user.name === name);
export const findGroup = (accounts: Accounts, name: string) => accounts.groups.find((group) => group.name === name);

/** Every group id a user's processes get: the primary group and the supplementary ones. */
export function groupIdsOf(accounts: Accounts, user: SystemUser): number[] {
  return [...new Set([user.gid, ...accounts.groups.filter((group) => group.members.includes(user.name)).map((group) => group.gid)])];
}

/** `grasp-relay (uid 998)`, or just the number when no user has it. */
export function describeUid(accounts: Accounts, uid: number): string {
  const user = accounts.users.find((candidate) => candidate.uid === uid);
  return user === undefined ? `uid ${uid}` : `${user.name} (uid ${uid})`;
}

export function describeGid(accounts: Accounts, gid: number): string {
  const group = accounts.groups.find((candidate) => candidate.gid === gid);
  return group === undefined ? `gid ${gid}` : group.name;
}
