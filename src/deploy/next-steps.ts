// What the operator runs after `deploy`, in order, as shell commands.

import { basename, join } from "node:path";
import type { Deployment } from "./deployment.js";
import type { SetupStep } from "./setup-system.js";
import { commandOf, formatCommand } from "./setup-system.js";

export interface NextStep {
  what: string;
  commands: string[];
}

export interface NextStepsInput {
  deployment: Deployment;
  /** What --setup would still do (empty once it ran). */
  setup: readonly SetupStep[];
  /** The files were written under --out for review, not in place. */
  out: string | undefined;
  /** The TLS certificate is not there yet. */
  certificateMissing: boolean;
  /** `grasp-purgatory` as the operator runs it (with --config when the config is not the default). */
  cli: string;
}

export function nextSteps(input: NextStepsInput): NextStep[] {
  const { deployment, setup } = input;
  const { paths } = deployment;
  const steps: NextStep[] = [];
  if (input.out !== undefined) {
    steps.push({ what: `review the files under ${input.out}, then write them in place`, commands: [`${input.cli} deploy ... (the same options, without --out)`] });
  }
  if (input.certificateMissing && deployment.tls !== undefined) {
    steps.push({
      what: `get the TLS certificate ${deployment.tls.certificate} first: deploy with --no-tls, enable the site (below), then`,
      commands: [`certbot certonly --webroot -w ${paths.acmeDir} -d ${deployment.host}`, `${input.cli} deploy ... (the same options, without --no-tls)`],
    });
  }
  if (setup.length > 0) {
    steps.push({ what: "create the users, the group and the directories (or rerun deploy with --setup)", commands: setup.map((step) => formatCommand(commandOf(step))) });
  }
  const enabled = join(deployment.prefix, "etc/nginx/sites-enabled", basename(paths.nginxSitePath));
  steps.push({ what: "enable the nginx site", commands: [`ln -sf ${paths.nginxSitePath} ${enabled}`, "nginx -t", "systemctl reload nginx"] });
  steps.push({
    what: "start strfry (which starts the policy), fcgiwrap and the metrics timer",
    commands: ["systemctl daemon-reload", "systemctl enable --now grasp-fcgiwrap.socket grasp-strfry.service grasp-purgatory-metrics.timer"],
  });
  steps.push({ what: `check everything, through nginx too (${deployment.publicUrl})`, commands: [`${input.cli} doctor`] });
  return steps;
}

export function formatNextSteps(steps: readonly NextStep[]): string {
  return ["Next, as root:", ...steps.flatMap((step, index) => [`  ${index + 1}. ${step.what}:`, ...step.commands.map((command) => `       ${command}`)])].join("\n");
}
