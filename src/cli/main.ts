/**
 * The `seatkeeper` executable (`dist/cli.js`, the package's `bin`).
 *
 * @module
 */
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
