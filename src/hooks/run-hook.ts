// The hooks' entry point, called by the wrappers installed in each repository.

import type { Config } from "../config.js";
import type { HookName } from "../git/install-hooks.js";
import { postReceive } from "./post-receive.js";
import { preReceive } from "./pre-receive.js";

export async function runHook(name: HookName, config: Config): Promise<void> {
  if (name === "pre-receive") await preReceive(config);
  else await postReceive(config);
}
