// The CLI run from dist/src/ rather than from its bundle, for `npm run bench -- --cpu-prof`:
// the profile then names our modules (src/plugin/..., src/purgatory/...), not one bundle file.
// Its start is slower (module by module); its answers are the same code.

import { main } from "../cli/main.js";

process.exitCode = await main(process.argv);
