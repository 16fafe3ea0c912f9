// Where this installation's own files are, for the hooks we install into repositories.

import { fileURLToPath } from "node:url";

/** Compiled code runs from dist/src/, two levels below the project root. */
export const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
export const projectHooksDir = fileURLToPath(new URL("../../hooks", import.meta.url));
export const cliPath = fileURLToPath(new URL("../../bin/grasp-purgatory", import.meta.url));
/** A worker thread's own file: the same path whether this code runs from dist/src/ or a bundle. */
export const checkpointWorkerPath = fileURLToPath(new URL("../../dist/src/purgatory/checkpoint-worker.js", import.meta.url));
