// Test helper: the deployment options of an example server, for the deploy tests to vary.

import type { DeploymentOptions } from "./deployment.js";

export const exampleDeploymentOptions: DeploymentOptions = {
  host: "git.example.com",
  port: undefined,
  tls: { certificate: "/etc/letsencrypt/live/git.example.com/fullchain.pem", key: "/etc/letsencrypt/live/git.example.com/privkey.pem" },
  bind: undefined,
  ipv6: true,
  prefix: "/",
  strfryBinary: "/usr/local/bin/strfry",
  strfryPort: 7778,
  strfryUser: "grasp-relay",
  gitUser: "grasp-git",
  group: "grasp",
  nginxUser: "www-data",
  nginxGroup: "www-data",
  fcgiwrapBinary: "/usr/sbin/fcgiwrap",
  fcgiwrapChildren: 16,
  gitHttpBackend: "/usr/lib/git-core/git-http-backend",
  nginxMimeTypes: "/etc/nginx/mime.types",
  releaseSink: "websocket",
  relayName: "x",
  relayDescription: "x",
  relayContact: undefined,
  relayPubkey: undefined,
  node: "/usr/bin/node",
  cli: "/opt/grasp-purgatory/bin/grasp-purgatory",
  version: "0.1.0",
  ttlSeconds: 1800,
};
