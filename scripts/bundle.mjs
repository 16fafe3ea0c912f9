// `npm run build`, after tsc: the two entry points as one file each (dist/bundle/). Node.js 20
// loads an ES module graph file by file: the policy's 109 files took about 200 ms of its
// start (its first answer came 470 ms after it started; bundled, 270 ms), and a fallback hook
// pays the same. better-sqlite3 stays outside (a native addon). tsc still type-checks and
// emits dist/src/, which the unit tests import and a worker thread runs.

import { build } from "esbuild";

await build({
  entryPoints: { main: "dist/src/cli/main.js", "hook-main": "dist/src/hooks/hook-main.js" },
  outdir: "dist/bundle",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["better-sqlite3"],
  // The CommonJS dependencies (commander, ws) call require(), which an ES module lacks.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: "warning",
});
