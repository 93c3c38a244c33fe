/**
 * `npm run bench`: runs every benchmark and prints its numbers.
 */
import { benchDirectorySync, printDirectorySyncBench } from './directory-sync.bench.js';

printDirectorySyncBench(await benchDirectorySync());
