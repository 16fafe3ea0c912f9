// The hooks' entry point. Push authorisation and release arrive with the purgatory (issue #4);
// until then the hooks accept every push, as git does without hooks.

import type { Config } from "../config.js";
import type { HookName } from "../git/install-hooks.js";

export async function runHook(_name: HookName, _config: Config): Promise<void> {
  // git writes the ref updates to the hook's stdin; read them so git never sees a broken pipe.
  for await (const _chunk of process.stdin) {
    continue;
  }
}
