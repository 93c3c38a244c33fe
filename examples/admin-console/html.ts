/**
 * The page frame, the status marks and small formatting helpers. Pages are
 * Hono `html` tagged templates: every interpolated value is escaped, so names
 * typed by users are shown as text, never as markup.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { SeatStatus } from 'seatkeeper';

/** What a page template returns. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** A one-time message shown at the top of the next page. */
export interface Notice {
  readonly kind: 'ok' | 'refused' | 'error';
  readonly text: string;
}

const NAV = [
  ['/license', 'License'],
  ['/people', 'People'],
  ['/csv', 'CSV'],
  ['/sync', 'Directory sync'],
  ['/dormant', 'Dormant users'],
] as const;

/**
 * The page frame: title, navigation, a notice and the content.
 *
 * @param title - the page title
 * @param current - the navigation entry to highlight
 * @param content - the page body
 * @param notice - a message to show above it
 */
export function layout(title: string, current: string, content: Html, notice: Notice | null = null): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · seatkeeper admin console</title>
<link rel="stylesheet" href="/console.css">
</head>
<body>
<header class="top">
  <span class="brand">seatkeeper <small>admin console</small></span>
  <nav>${NAV.map(([href, label]) => html`<a href="${href}"${current === href ? raw(' aria-current="page"') : ''}>${label}</a>`)}</nav>
</header>
<main>
${notice === null ? '' : html`<p class="notice notice-${notice.kind}" role="status" data-testid="notice">${notice.text}</p>`}
${content}
</main>
</body>
</html>`;
}

const STOP_ICON = raw(
  '<svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true"><polygon points="6,1 14,1 19,6 19,14 14,19 6,19 1,14 1,6" fill="#d32f2f"/><rect x="5" y="8.5" width="10" height="3" fill="#fff"/></svg>',
);
const WARNING_ICON = raw(
  '<svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true"><polygon points="10,1 19,18 1,18" fill="#f57c00"/><rect x="9" y="6.5" width="2" height="6" fill="#fff"/><rect x="9" y="14" width="2" height="2" fill="#fff"/></svg>',
);

const MARK_TEXT: Readonly<Record<Exclude<SeatStatus, 'ok'>, string>> = {
  warning: 'Warning: fewer than 5 % of the licenses are left',
  exhausted: 'Stop: no license left',
  exceeded: 'Stop: more licenses used than bought',
};

/**
 * The mark beside a Remaining figure: the red stop sign when none is left (or
 * the limit is exceeded), the orange warning icon when fewer than the warning
 * share is left, nothing when all is well or the status is not shown.
 *
 * @param status - a status, or `null` when it is not shown
 */
export function mark(status: SeatStatus | null): Html {
  if (status === null || status === 'ok') return html``;
  const kind = status === 'warning' ? 'warning' : 'stop';
  return html`<span class="mark mark-${kind}" role="img" aria-label="${MARK_TEXT[status]}" title="${MARK_TEXT[status]}" data-mark="${kind}" data-status="${status}">${kind === 'warning' ? WARNING_ICON : STOP_ICON}</span>`;
}

/** A whole number with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A ratio as a percentage, or a dash. */
export function percent(ratio: number | null): string {
  return ratio === null ? '–' : `${Math.round(ratio * 100)} %`;
}

/** A date as `2026-03-01 09:30 UTC`. */
export function when(date: Date | null): string {
  return date === null ? '' : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The style sheet, served at `/console.css`. */
export const STYLES = `
:root { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif; color: #1d2330; background: #f4f6f9; }
body { margin: 0; }
.top { display: flex; align-items: center; gap: 2rem; padding: .6rem 1.5rem; background: #1f3a5f; color: #fff; }
.brand { font-weight: 600; font-size: 1.05rem; } .brand small { font-weight: 400; opacity: .75; }
.top nav { display: flex; gap: 1.2rem; } .top a { color: #dbe6f5; text-decoration: none; } .top a[aria-current] { color: #fff; border-bottom: 2px solid #8fb8ff; }
main { padding: 1rem 1.5rem 2rem; }
h1 { font-size: 1.35rem; margin: .2rem 0 .8rem; } h2 { font-size: 1.1rem; margin: 0 0 .6rem; } h3 { font-size: .95rem; margin: 1rem 0 .4rem; }
.columns { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 1rem; align-items: start; }
.panel { background: #fff; border: 1px solid #d9dee7; border-radius: 6px; padding: .9rem 1rem; }
.panel-partner { border-top: 4px solid #6a4fb3; } .panel-host { border-top: 4px solid #1f6fd1; }
.who { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: #5b6577; margin: 0 0 .2rem; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .6rem; background: #fff; }
th, td { text-align: left; padding: .3rem .45rem; border-bottom: 1px solid #e6e9ef; vertical-align: middle; }
td:first-child { white-space: nowrap; }
th { font-weight: 600; color: #4a5363; font-size: .82rem; background: #f7f8fb; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.mark { display: inline-flex; vertical-align: -4px; margin-left: .3rem; }
.figures { display: grid; grid-template-columns: auto 1fr; gap: .25rem 1rem; margin: .4rem 0 .8rem; }
.figures dt { color: #5b6577; } .figures dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.hint { color: #5b6577; font-size: .85rem; margin: .4rem 0; }
.notice { padding: .55rem .8rem; border-radius: 5px; margin: 0 0 1rem; }
.notice-ok { background: #e6f4ea; border: 1px solid #a8d5b5; } .notice-refused { background: #fff4e5; border: 1px solid #f3c48b; } .notice-error { background: #fdecea; border: 1px solid #f1a9a5; }
form.inline { display: inline; } .bar { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin: .4rem 0 .8rem; }
label { display: flex; flex-direction: column; gap: .15rem; font-size: .82rem; color: #4a5363; }
input, select, textarea, button { font: inherit; } input, select { padding: .25rem .4rem; }
textarea { width: 100%; box-sizing: border-box; font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
button { padding: .3rem .8rem; border-radius: 4px; border: 1px solid #1f6fd1; background: #1f6fd1; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #1f6fd1; } button.small { padding: .1rem .5rem; font-size: .8rem; }
.pager { display: flex; gap: 1rem; align-items: center; }
.tag { display: inline-block; padding: 0 .35rem; border-radius: 3px; font-size: .78rem; background: #eef1f6; }
.tag-No { background: #fdecea; } .tag-Yes { background: #e6f4ea; }
.counts { display: flex; flex-wrap: wrap; gap: .5rem; margin: .4rem 0 .8rem; padding: 0; list-style: none; }
.counts li { background: #fff; border: 1px solid #d9dee7; border-radius: 5px; padding: .35rem .7rem; } .counts b { font-size: 1.1rem; margin-right: .3rem; }
`;
