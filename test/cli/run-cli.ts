/**
 * The CLI as a process, for tests that need a real one (stdout piping, exit status): what
 * bin/vouch.js does, but on the TypeScript sources through tsx instead of the build.
 */
import { main } from "../../src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
