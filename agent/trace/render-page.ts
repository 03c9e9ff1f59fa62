/**
 * The timeline as one self-contained HTML page (GET /trace/<id>, the target
 * of Grafana's derived-field link): no script, no external asset, no build
 * step. Services and streams get a lane (a column) each; every event is a
 * row on the time axis, with its offset, the step before it, its fields
 * behind a <details>, errors in red. Every string shown comes from log lines
 * (untrusted), so each one passes through `escapeHtml`; the route's
 * Content-Security-Policy allows no script at all, as a second fence.
 */
import { formatMs } from './render-text.js'
import type { Timeline, TimelineRow } from './timeline.js'

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text safe inside an element or a quoted attribute. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!)
}

/** Lane colours: none of them red, which means an error. */
const LANE_COLORS = ['#3b6fd8', '#7c3aed', '#0e9384', '#c4620a', '#2f7d32', '#9e4a8f', '#5a6b86']

const STYLE = `
:root { font: 14px/1.4 system-ui, sans-serif; color: #1d2433; background: #f7f8fa; }
body { margin: 0; padding: 1rem 1.5rem; }
header { display: flex; gap: 1.5rem; align-items: baseline; flex-wrap: wrap; }
h1 { font-size: 1.2rem; margin: 0; } h1 code { font-size: 1rem; }
form input { width: 24rem; max-width: 60vw; padding: .3rem .5rem; font: inherit; }
form button { padding: .3rem .8rem; font: inherit; }
.summary { color: #4a5568; }
.callouts { padding-left: 1.2rem; } .callouts .unanswered { color: #b42318; font-weight: 600; }
.timeline { display: grid; grid-template-columns: 8.5rem 7.5rem repeat(var(--lanes), minmax(14rem, 1fr)); gap: 2px 8px; align-items: start; }
.head { display: contents; } .head > div { grid-row: 1; font-weight: 600; padding: .3rem .4rem; border-bottom: 2px solid #cbd2dc; position: sticky; top: 0; background: #f7f8fa; }
.row { display: contents; } .row > * { grid-row: var(--row); } .time { grid-column: 1; } .offset { grid-column: 2; }
.time, .offset { font: 12px/1.4 ui-monospace, monospace; padding: .35rem .4rem; color: #4a5568; }
.axis { height: 3px; background: #dde2ea; position: relative; margin-top: 3px; }
.axis span { position: absolute; top: -2px; width: 7px; height: 7px; border-radius: 50%; background: #3b6fd8; margin-left: -3px; }
.step { display: block; color: #8a94a6; }
.cell { border-left: 4px solid var(--lane-color); background: #fff; padding: .3rem .5rem; border-radius: 3px; box-shadow: 0 1px 1px #0001; overflow-wrap: anywhere; }
.cell.error { border-left-color: #d92d20; background: #fef3f2; color: #912018; }
.cell summary { cursor: pointer; } .event { font-weight: 600; } .level { font: 11px ui-monospace, monospace; text-transform: uppercase; opacity: .75; }
.keys { display: block; font: 12px ui-monospace, monospace; color: #4a5568; } .error .keys { color: inherit; }
.note { display: block; font-size: 12px; font-weight: 600; } .note.unanswered { color: #b42318; } .note.gap { color: #1f7a3a; }
pre { font: 12px/1.35 ui-monospace, monospace; white-space: pre-wrap; margin: .4rem 0 0; }
.empty { padding: 2rem 0; color: #4a5568; }
`

function searchForm(value: string): string {
  return `<form action="/trace" method="get" role="search"><input type="search" name="id" value="${escapeHtml(value)}" placeholder="correlation id" aria-label="correlation id" required maxlength="128"> <button type="submit">Trace</button></form>`
}

function page(title: string, id: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · threadline</title><style>${STYLE}</style></head>
<body><header><h1>Trace <code>${escapeHtml(id)}</code></h1>${searchForm(id)}</header>
${body}
</body></html>
`
}

function rowHtml(row: TimelineRow, timeline: Timeline): string {
  const lane = timeline.lanes.indexOf(row.lane)
  const at = timeline.durationMs > 0 ? (row.offsetMs / timeline.durationMs) * 100 : 0
  const keys = Object.entries(row.keyFields).map(([name, value]) => `${name}=${value}`).join('  ')
  const notes = [
    row.unanswered ? `<span class="note unanswered">no response to this submit</span>` : '',
    row.afterSubmitMs !== null ? `<span class="note gap">${escapeHtml(formatMs(row.afterSubmitMs))} after its submit</span>` : '',
  ].join('')
  const details = Object.keys(row.fields).length > 0 ? JSON.stringify(row.fields, null, 2) : row.raw
  return `<div class="row" style="--row:${row.index + 2}" data-row data-index="${row.index}" data-lane="${escapeHtml(row.lane)}" data-error="${row.error}">
<div class="time" title="${escapeHtml(row.time)}">${escapeHtml(row.time.slice(11, 23))}<div class="axis"><span style="left:${at.toFixed(2)}%"></span></div></div>
<div class="offset">+${escapeHtml(formatMs(row.offsetMs))}${row.index > 0 ? `<span class="step">step ${escapeHtml(formatMs(row.sincePreviousMs))}</span>` : ''}</div>
<div class="cell${row.error ? ' error' : ''}" style="grid-column:${lane + 3};--lane-color:${LANE_COLORS[lane % LANE_COLORS.length]}"><details><summary><span class="level">${escapeHtml(row.level)}</span> <span class="event">${escapeHtml(row.event)}</span> <span class="message">${escapeHtml(row.message)}</span>${keys ? `<span class="keys">${escapeHtml(keys)}</span>` : ''}${notes}</summary><pre class="fields">${escapeHtml(details)}</pre></details></div>
</div>`
}

/** The page for a timeline; an empty one shows that nothing was found, with the search box. */
export function renderPage(timeline: Timeline): string {
  const { correlationId: id, rows, lanes } = timeline
  if (rows.length === 0) return renderMessagePage(id, `Nothing found for this correlation id in the agent's store.`)
  const callouts = timeline.submits.map((s) =>
    s.gapMs === null
      ? `<li class="unanswered">${escapeHtml(s.orderId ?? 'a submit')} never got a response (row ${s.submitIndex + 1})</li>`
      : `<li>${escapeHtml(s.orderId ?? 'submit')}: response ${escapeHtml(formatMs(s.gapMs))} after submit</li>`,
  )
  const errors = rows.filter((row) => row.error).length
  const body = `<p class="summary">${rows.length} events across ${lanes.length} lanes in ${escapeHtml(formatMs(timeline.durationMs))}${errors ? `, <strong>${errors} error${errors > 1 ? 's' : ''}</strong>` : ''}.</p>
${callouts.length ? `<ul class="callouts">${callouts.join('')}</ul>` : ''}
<div class="timeline" style="--lanes:${lanes.length}">
<div class="head"><div>time (UTC)</div><div>offset</div>${lanes.map((lane) => `<div data-lane-header="${escapeHtml(lane)}">${escapeHtml(lane)}</div>`).join('')}</div>
${rows.map((row) => rowHtml(row, timeline)).join('\n')}
</div>`
  return page(`trace ${id}`, id, body)
}

/** A page with a message instead of a timeline (nothing found, an invalid id). */
export function renderMessagePage(id: string, message: string): string {
  return page(id ? `trace ${id}` : 'trace', id, `<p class="empty">${escapeHtml(message)}</p>`)
}
