// Imports a CSV upload, writes the People export to a file in the OS temp dir, prints its first lines,
// re-imports it into another site, and shows what an empty upload reports.
// Run: npx tsx examples/csv-export.ts
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPeopleCsv, importPeopleCsv, pipeToWritable } from 'seatkeeper/csv';
import { createSeatkeeper, InMemorySeatRepository } from 'seatkeeper';

const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 10 });
await seats.ensureSystemUsers();

// A CSV upload: three people, one of them blocked, one with a formula-looking name.
const upload = [
  'Username,Display name,Email,Account state',
  'alice,"Smith, Alice",alice@example.com,Yes',
  'bob,=1+1,bob@example.com,Yes',
  'carol,Carol,carol@example.com,No',
].join('\r\n');
const report = await importPeopleCsv(seats, upload, { areaId: 'primary' });
console.log(report.message);

const path = join(tmpdir(), `seatkeeper-people-${process.pid}.csv`);
await pipeToWritable(exportPeopleCsv(seats, { bom: true }), createWriteStream(path));

const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
console.log(`Wrote ${path}:`);
for (const line of text.split('\r\n').slice(0, 6)) console.log(`  ${line}`);

// The export re-imports as it is into another site: the Area id column says where each user goes.
const copy = createSeatkeeper({ repository: new InMemorySeatRepository() });
await copy.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 10 });
const again = await importPeopleCsv(copy, text);
console.log(`Re-imported into another site: ${again.message}`);

// An empty upload is reported as such, never as a silent success.
const empty = await importPeopleCsv(seats, '', { areaId: 'primary' });
console.log(`An empty upload: ${empty.fileProblem?.code}, "${empty.message}"`);

// The formula-looking name is neutralised ('=1+1), every user is there, and comes back as it was.
const ok =
  report.ok &&
  text.startsWith('Username,Display name,Email,Area,Area id,') &&
  text.includes("bob,'=1+1,") &&
  text.split('\r\n').length === 7 &&
  again.ok &&
  again.created === 3 &&
  (await copy.findUserByUsername('bob'))?.displayName === '=1+1' &&
  empty.fileProblem?.code === 'EMPTY_FILE';
if (!ok) {
  console.error('The export is not what was expected.');
  process.exit(1);
}
