import type { Command } from "commander";
import { runPolicyProcess } from "../plugin/policy-process.js";
import { configOf } from "./global-options.js";

export function registerPolicyCommand(program: Command): void {
  program
    .command("policy")
    .description("Run as strfry's write policy plugin: JSON requests on stdin, one answer per line on stdout.")
    .addHelpText(
      "after",
      `
Example strfry.conf:
  relay { writePolicy { plugin = "/opt/grasp-purgatory/bin/grasp-purgatory-policy" } }
with that file an executable wrapper that runs: grasp-purgatory --config /etc/grasp-purgatory.json policy`,
    )
    .action(async (_options, command: Command) => {
      // Settings are read before the first line, so a bad config stops the plugin at once
      // with a message in strfry's log instead of failing every event.
      await runPolicyProcess(configOf(command), { input: process.stdin, output: process.stdout });
    });
}
