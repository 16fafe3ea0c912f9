import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GraspError } from "../errors.js";
import { parseUnit, serviceLaunch, socketSpec } from "./unit-file.js";

describe("unit files", () => {
  it("read a service's user, group, umask, working directory and command", () => {
    const unit = parseUnit(`# a comment
[Unit]
Description=strfry (x)

[Service]
User=grasp-relay
Group=grasp
UMask=0002
WorkingDirectory=/var/lib/grasp
ExecStart=/usr/local/bin/strfry --config /etc/grasp-purgatory/strfry.conf relay
`);
    assert.deepEqual(serviceLaunch(unit, "grasp-strfry.service"), {
      user: "grasp-relay",
      group: "grasp",
      umask: 0o002,
      workingDirectory: "/var/lib/grasp",
      argv: ["/usr/local/bin/strfry", "--config", "/etc/grasp-purgatory/strfry.conf", "relay"],
    });
  });

  it("read a socket's path, owner and mode", () => {
    const unit = parseUnit("[Socket]\nListenStream=/run/grasp-fcgiwrap.sock\nSocketUser=grasp-git\nSocketGroup=www-data\nSocketMode=0660\n");
    assert.deepEqual(socketSpec(unit, "grasp-fcgiwrap.socket"), { path: "/run/grasp-fcgiwrap.sock", user: "grasp-git", group: "www-data", mode: 0o660 });
  });

  it("say which key a unit lacks", () => {
    assert.throws(() => serviceLaunch(parseUnit("[Service]\nUser=x\n"), "x.service"), (error: unknown) => error instanceof GraspError && error.message === "x.service has no Group= in [Service]");
  });
});
