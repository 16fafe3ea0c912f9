// One production deployment, decided once from the operator's options: where every file and
// directory lives, who runs what, and the values the templates in deploy/ are rendered with.
// `deploy` writes it, `stack` runs it, `doctor` checks what it promised.

import { join } from "node:path";
import { ConfigError } from "../errors.js";
import { parseServiceHost } from "../config.js";
import type { TemplateValues } from "./template.js";

export interface Tls {
  certificate: string;
  key: string;
}

export interface DeploymentOptions {
  /** The host name clients use. */
  host: string;
  /** The public port nginx listens on; default 443 with TLS, 80 without. */
  port: number | undefined;
  tls: Tls | undefined;
  /** The address nginx listens on; default every address. */
  bind: string | undefined;
  ipv6: boolean;
  /** Where the deployment's files and directories live: `/` on a server. */
  prefix: string;
  strfryBinary: string;
  strfryPort: number;
  strfryUser: string;
  gitUser: string;
  group: string;
  /** The user and group nginx's workers run as (they connect to fcgiwrap's socket). */
  nginxUser: string;
  nginxGroup: string;
  fcgiwrapBinary: string;
  fcgiwrapChildren: number;
  gitHttpBackend: string;
  nginxMimeTypes: string;
  releaseSink: "websocket" | "import";
  relayName: string;
  relayDescription: string;
  relayContact: string | undefined;
  relayPubkey: string | undefined;
  /** This Node.js and this installation's CLI: what the policy wrapper and the units run. */
  node: string;
  cli: string;
  version: string;
  ttlSeconds: number;
}

export interface DeploymentPaths {
  configPath: string;
  strfryConfigPath: string;
  siteDir: string;
  nginxSitePath: string;
  unitDir: string;
  policyWrapperPath: string;
  stateDir: string;
  gitRoot: string;
  dataDir: string;
  strfryDbDir: string;
  acmeDir: string;
  metricsFile: string;
  nginxLogDir: string;
  logDir: string;
  fcgiwrapSocket: string;
  /** What `deploy` wrote, with a hash of each file, to tell the operator's changes from ours. */
  manifestPath: string;
  /** `stack` only: its nginx.conf, pid files and nginx's temp files. */
  stackDir: string;
}

export interface Deployment extends DeploymentOptions {
  /** `host[:port]`, as announcements list it and as serviceHost is set. */
  serviceHost: string;
  publicUrl: string;
  relayUrl: string;
  /** strfry's own websocket, what the policy follows and the release sink publishes to. */
  strfryUrl: string;
  strfryBind: string;
  listenPort: number;
  paths: DeploymentPaths;
}

const safePath = /^\/[A-Za-z0-9._/@+-]*$/;

function checkPath(what: string, path: string): string {
  if (!safePath.test(path)) {
    throw new ConfigError(`${what} ${JSON.stringify(path)} must be an absolute path of letters, digits and ._/@+- (strfry and the templates need paths without spaces or quotes)`);
  }
  return path;
}

function checkName(what: string, name: string): string {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/i.test(name)) throw new ConfigError(`${what} "${name}" is not a user or group name`);
  return name;
}

export function deploymentPaths(prefix: string): DeploymentPaths {
  const under = (path: string) => join(prefix, path);
  const stateDir = under("var/lib/grasp");
  return {
    configPath: under("etc/grasp-purgatory.json"),
    strfryConfigPath: under("etc/grasp-purgatory/strfry.conf"),
    siteDir: under("etc/grasp-purgatory/site"),
    manifestPath: under("etc/grasp-purgatory/deploy-manifest.json"),
    nginxSitePath: under("etc/nginx/sites-available/grasp-purgatory.conf"),
    unitDir: under("etc/systemd/system"),
    policyWrapperPath: under("usr/local/bin/grasp-purgatory-policy"),
    stateDir,
    gitRoot: join(stateDir, "git"),
    dataDir: join(stateDir, "data"),
    strfryDbDir: join(stateDir, "strfry-db"),
    acmeDir: join(stateDir, "acme"),
    metricsFile: join(stateDir, "metrics", "grasp_purgatory.prom"),
    nginxLogDir: under("var/log/nginx"),
    logDir: under("var/log/grasp"),
    fcgiwrapSocket: under("run/grasp-fcgiwrap.sock"),
    stackDir: under("stack"),
  };
}

export function planDeployment(options: DeploymentOptions): Deployment {
  const prefix = checkPath("--prefix", options.prefix);
  for (const [what, path] of [
    ["--strfry", options.strfryBinary],
    ["--fcgiwrap", options.fcgiwrapBinary],
    ["--git-http-backend", options.gitHttpBackend],
    ["the nginx mime.types", options.nginxMimeTypes],
    ["node", options.node],
    ["the grasp-purgatory CLI", options.cli],
  ] as const) {
    checkPath(what, path);
  }
  if (options.tls !== undefined) {
    checkPath("--tls-certificate", options.tls.certificate);
    checkPath("--tls-key", options.tls.key);
  }
  for (const [what, name] of [
    ["--strfry-user", options.strfryUser],
    ["--git-user", options.gitUser],
    ["--group", options.group],
    ["--nginx-user", options.nginxUser],
    ["--nginx-group", options.nginxGroup],
  ] as const) {
    checkName(what, name);
  }
  if (options.strfryUser === options.gitUser) {
    throw new ConfigError(`--strfry-user and --git-user are both ${options.strfryUser}: the deployment runs strfry and git as two users`);
  }
  if (options.bind !== undefined && !/^[0-9a-f.:[\]]+$|^localhost$/i.test(options.bind)) throw new ConfigError(`--bind "${options.bind}" is not an address`);

  const scheme = options.tls === undefined ? "http" : "https";
  const listenPort = options.port ?? (options.tls === undefined ? 80 : 443);
  const defaultPort = options.tls === undefined ? 80 : 443;
  const serviceHost = listenPort === defaultPort ? options.host : `${options.host}:${listenPort}`;
  // The same rules as the serviceHost setting: what we write must load.
  parseServiceHost(serviceHost);
  if (listenPort === options.strfryPort) throw new ConfigError(`nginx and strfry would both listen on port ${listenPort}: give --strfry-port another one`);
  const strfryBind = "127.0.0.1";
  return {
    ...options,
    prefix,
    serviceHost,
    publicUrl: `${scheme}://${serviceHost}`,
    relayUrl: `${options.tls === undefined ? "ws" : "wss"}://${serviceHost}`,
    strfryUrl: `ws://${strfryBind}:${options.strfryPort}`,
    strfryBind,
    listenPort,
    paths: deploymentPaths(prefix),
  };
}

export interface DeploymentFile {
  /** The template under deploy/. */
  template: string;
  path: string;
  mode: number;
}

/** Every file `deploy` writes; `stack` adds its own nginx main config. */
export function deploymentFiles(deployment: Deployment, options: { stack: boolean }): DeploymentFile[] {
  const { paths } = deployment;
  const unit = (name: string): DeploymentFile => ({ template: `systemd/${name}`, path: join(paths.unitDir, name), mode: 0o644 });
  const site = (name: string): DeploymentFile => ({ template: `site/${name}`, path: join(paths.siteDir, name), mode: 0o644 });
  return [
    { template: "grasp-purgatory.json", path: paths.configPath, mode: 0o644 },
    { template: "bin/grasp-purgatory-policy", path: paths.policyWrapperPath, mode: 0o755 },
    { template: "strfry/strfry.conf", path: paths.strfryConfigPath, mode: 0o644 },
    { template: "nginx/grasp-purgatory.conf", path: paths.nginxSitePath, mode: 0o644 },
    site("index.html"),
    site("relay-information.json"),
    site("repository.html"),
    site("not-found.html"),
    unit("grasp-strfry.service"),
    unit("grasp-fcgiwrap.socket"),
    unit("grasp-fcgiwrap.service"),
    unit("grasp-purgatory-metrics.service"),
    unit("grasp-purgatory-metrics.timer"),
    ...(options.stack ? [{ template: "stack/nginx.conf", path: join(paths.stackDir, "nginx.conf"), mode: 0o644 }] : []),
  ];
}

export function templateValues(deployment: Deployment): TemplateValues {
  const { paths } = deployment;
  return {
    ...paths,
    serviceHost: deployment.serviceHost,
    serverName: deployment.host,
    publicUrl: deployment.publicUrl,
    relayUrl: deployment.relayUrl,
    strfryUrl: deployment.strfryUrl,
    strfryBind: deployment.strfryBind,
    strfryPort: deployment.strfryPort,
    strfryBinary: deployment.strfryBinary,
    listen: deployment.bind === undefined ? String(deployment.listenPort) : `${deployment.bind}:${deployment.listenPort}`,
    port: deployment.listenPort,
    httpListen: deployment.bind === undefined ? "80" : `${deployment.bind}:80`,
    httpPort: 80,
    tls: deployment.tls !== undefined,
    tlsCertificate: deployment.tls?.certificate,
    tlsCertificateKey: deployment.tls?.key,
    ipv6: deployment.ipv6,
    strfryUser: deployment.strfryUser,
    gitUser: deployment.gitUser,
    group: deployment.group,
    nginxUser: deployment.nginxUser,
    nginxGroup: deployment.nginxGroup,
    fcgiwrapBinary: deployment.fcgiwrapBinary,
    fcgiwrapChildren: deployment.fcgiwrapChildren,
    gitHttpBackend: deployment.gitHttpBackend,
    nginxMimeTypes: deployment.nginxMimeTypes,
    releaseSink: deployment.releaseSink,
    importSink: deployment.releaseSink === "import",
    importCommand: `${deployment.strfryBinary} --config ${paths.strfryConfigPath} import`,
    relayName: deployment.relayName,
    relayDescription: deployment.relayDescription,
    relayContact: deployment.relayContact,
    relayPubkey: deployment.relayPubkey,
    node: deployment.node,
    cli: deployment.cli,
    version: deployment.version,
    ttlMinutes: Math.round(deployment.ttlSeconds / 60),
  };
}
