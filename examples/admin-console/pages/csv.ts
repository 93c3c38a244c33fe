/**
 * People CSV: the download, and the upload with a dry run, whose report lists
 * the errors by line.
 */
import { html } from 'hono/html';
import type { Seatkeeper } from 'seatkeeper';
import type { PeopleImportReport } from 'seatkeeper/csv';
import { count, type Html } from '../html.js';
import { readNames } from './people.js';

/** The largest upload the form takes; the import reads no more than this. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/** The most rows one upload may have. */
export const MAX_UPLOAD_ROWS = 20_000;

/** What the upload form sends back, to show it again beside the report. */
export interface UploadChoice {
  readonly areaId: string;
  readonly mode: 'all-or-nothing' | 'best-effort';
}

/**
 * The CSV page: the download link, the upload form and, after an upload, its report.
 *
 * @param seats - the seatkeeper instance
 * @param report - the report of the upload just made, if any
 * @param choice - the options of that upload
 */
export async function csvPage(seats: Seatkeeper, report: PeopleImportReport | null = null, choice: UploadChoice | null = null): Promise<Html> {
  const names = await readNames(seats);
  const mode = choice?.mode ?? 'all-or-nothing';
  return html`<h1>People CSV</h1>
<div class="panel">
  <h2>Download</h2>
  <p>Every user: username, display name, email, area, organization, account type, account state (<b>Yes</b> active, <b>No</b> blocked), block reason, source, creation date and last sign-in.
  The file starts with a byte order mark so that spreadsheets show accents right.</p>
  <p><a href="/people.csv" download data-testid="download-csv">Download people.csv</a></p>
</div>
<div class="panel">
  <h2>Upload</h2>
  <form method="post" action="/csv/import" enctype="multipart/form-data" data-testid="upload">
    <p><label>CSV file (at most ${count(MAX_UPLOAD_BYTES / 1024 / 1024)} MB, ${count(MAX_UPLOAD_ROWS)} rows)<input type="file" name="file" accept=".csv,text/csv"></label></p>
    <p><label>or paste the CSV<textarea name="text" rows="6" placeholder="Username,Display name,Email,Organization&#10;jdoe,Jane Doe,jdoe@example.com,"></textarea></label></p>
    <div class="bar">
      <label>Area of rows without one<select name="areaId">${names.areas.map(
        (a) => html`<option value="${a.id}"${a.id === choice?.areaId ? html` selected` : ''}>${a.name}</option>`,
      )}</select></label>
      <label>When a row cannot be created<select name="mode">
        <option value="all-or-nothing"${mode === 'all-or-nothing' ? html` selected` : ''}>import nothing (all or nothing)</option>
        <option value="best-effort"${mode === 'best-effort' ? html` selected` : ''}>import the other rows (best effort)</option>
      </select></label>
      <button type="submit" name="action" value="dry-run" class="secondary">Dry run</button>
      <button type="submit" name="action" value="import">Import</button>
    </div>
  </form>
</div>
${report === null ? '' : importReport(report)}`;
}

function importReport(report: PeopleImportReport): Html {
  return html`<section class="panel" data-testid="import-report">
  <h2>${report.dryRun ? 'Dry run' : 'Import'}: ${report.ok ? 'every row can be imported' : 'problems found'}</h2>
  <p data-testid="import-message">${report.message}</p>
  <ul class="counts">
    <li><b>${count(report.rows)}</b>rows read</li>
    <li><b>${count(report.accepted.length)}</b>${report.written ? 'accepted' : 'could be imported'}</li>
    <li><b>${count(report.created)}</b>created</li>
    <li><b>${count(report.errors.length + report.moreErrors)}</b>errors</li>
    <li><b>${count(report.refused.length + report.moreRefused)}</b>refused</li>
  </ul>
  ${report.fileProblem === null ? '' : html`<p class="notice notice-error">${report.fileProblem.message}</p>`}
  ${report.errors.length === 0
    ? ''
    : html`<h3>Errors</h3>
  <table data-testid="import-errors">
    <thead><tr><th class="num">Line</th><th>Column</th><th>Problem</th></tr></thead>
    <tbody>${report.errors.map((e) => html`<tr data-line="${e.line}"><td class="num">${e.line}</td><td>${e.column ?? '(row)'}</td><td>${e.message}</td></tr>`)}</tbody>
  </table>${report.moreErrors > 0 ? html`<p class="hint">and ${count(report.moreErrors)} more errors</p>` : ''}`}
  ${report.refused.length === 0
    ? ''
    : html`<h3>Refused</h3>
  <table data-testid="import-refused">
    <thead><tr><th class="num">Line</th><th>Username</th><th>Why</th></tr></thead>
    <tbody>${report.refused.map((r) => html`<tr data-line="${r.line}"><td class="num">${r.line}</td><td>${r.username}</td><td>${r.reason.message}</td></tr>`)}</tbody>
  </table>${report.moreRefused > 0 ? html`<p class="hint">and ${count(report.moreRefused)} more refused</p>` : ''}`}
  ${report.shortages.length === 0 ? '' : html`<h3>Licenses short</h3><ul>${report.shortages.map((s) => html`<li>${s.message}</li>`)}</ul>`}
  ${report.skipped.length === 0 ? '' : html`<h3>Skipped</h3><ul>${report.skipped.map((s) => html`<li>line ${s.line}, ${s.username}: ${s.message}</li>`)}</ul>`}
  ${report.ignoredColumns.length === 0 ? '' : html`<p class="hint">Columns ignored: ${report.ignoredColumns.join(', ')}</p>`}
</section>`;
}
