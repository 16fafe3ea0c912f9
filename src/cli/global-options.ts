// The options every command shares, read from the root program.

import type { Command } from "commander";
import { loadConfig } from "../config.js";
import type { Config } from "../config.js";

export function configOf(command: Command): Config {
  const { config } = command.optsWithGlobals<{ config?: string }>();
  return loadConfig({ configPath: config });
}
