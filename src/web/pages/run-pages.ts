import type { ClientConfig } from '../../config/clients.js';
import type { ConsoleService } from '../console-service.js';
import { html, type Html } from '../html.js';
import type { RunDetail, RunSummary } from '../run-store.js';
import { boxReportAction } from './box-pages.js';
import { layout, sourceLabel, verdictBadge, when, type PageContext } from './layout.js';

const VERDICT_OPTIONS = ['pass', 'warn', 'fail', 'error'];

export function runsTableBody(b: string, runs: readonly RunSummary[]): Html {
  if (runs.length === 0) return html`<tr><td colspan="7" class="muted">No runs yet. <a href="${b}/check">Check a file</a>.</td></tr>`;
  return html`${runs.map(
    (r) => html`<tr>
  <td data-label="File"><a href="${b}/runs/${encodeURIComponent(r.id)}">${r.assetName}</a></td>
  <td data-label="Client">${r.clientId ?? html`<span class="muted">none</span>`}</td>
  <td data-label="Profile">${r.profileId}</td>
  <td data-label="Score">${r.score ?? html`<span class="muted">–</span>`}</td>
  <td data-label="Verdict">${verdictBadge(r.verdict, r.status)}</td>
  <td data-label="When">${when(r.createdAt)}</td>
  <td data-label="Source">${sourceLabel(r.source)}</td>
</tr>`,
  )}`;
}

export function runsPage(
  ctx: PageContext,
  clients: readonly ClientConfig[],
  page: { runs: RunSummary[]; nextCursor: number | null },
  filter: { client: string | undefined; verdict: string | undefined },
): string {
  const b = ctx.basePath;
  const nextQuery = new URLSearchParams({ ...(filter.client ? { client: filter.client } : {}), ...(filter.verdict ? { verdict: filter.verdict } : {}), ...(page.nextCursor ? { cursor: String(page.nextCursor) } : {}) });
  return layout(
    ctx,
    'Runs',
    html`<h1>Runs</h1>
<form method="get" action="${b}/" class="filters" aria-label="Filter runs">
  <div><label for="filter-client">Client</label><select id="filter-client" name="client"><option value="">All clients</option>${clients.map(
    (c) => html`<option value="${c.id}"${filter.client === c.id ? html` selected` : ''}>${c.name}</option>`,
  )}</select></div>
  <div><label for="filter-verdict">Verdict</label><select id="filter-verdict" name="verdict"><option value="">Any verdict</option>${VERDICT_OPTIONS.map(
    (v) => html`<option value="${v}"${filter.verdict === v ? html` selected` : ''}>${v}</option>`,
  )}</select></div>
  <button type="submit">Filter</button>
</form>
<div class="table-wrap"><table class="stack">
<caption class="muted">Every QC run, from Box or an upload, newest first; updates live.</caption>
<thead><tr><th scope="col">File</th><th scope="col">Client</th><th scope="col">Profile</th><th scope="col">Score</th><th scope="col">Verdict</th><th scope="col">When</th><th scope="col">Source</th></tr></thead>
<tbody id="runs-body">${runsTableBody(b, page.runs)}</tbody>
</table></div>
${page.nextCursor ? html`<p><a href="${b}/?${nextQuery.toString()}">Older runs</a></p>` : ''}`,
  );
}

export function checkPage(ctx: PageContext, clients: readonly ClientConfig[], profiles: ReturnType<ConsoleService['listProfiles']>, maxUploadBytes: number): string {
  const b = ctx.basePath;
  const mb = Math.round(maxUploadBytes / 1024 / 1024);
  return layout(
    ctx,
    'Check a file',
    html`<h1>Check a file</h1>
<form id="check-form" class="card" method="post" action="${b}/check" enctype="multipart/form-data">
  <div class="field"><label for="file">File</label><input id="file" name="file" type="file" required aria-describedby="file-hint">
    <p id="file-hint" class="muted">An image, print PDF, video or audio file, up to ${mb} MB.</p></div>
  <div class="field"><label for="client">Client</label><select id="client" name="client">
    ${ctx.principal?.role === 'admin' ? html`<option value="">No client</option>` : ''}
    ${clients.map((c) => html`<option value="${c.id}">${c.name}</option>`)}</select></div>
  <div class="field"><label for="profile">Profile</label><select id="profile" name="profile" aria-describedby="profile-hint">
    <option value="">The client's default</option>
    ${profiles.map((p) => html`<option value="${p.id}">${p.name} (${p.id})</option>`)}</select>
    <p id="profile-hint" class="muted">Leave it on the default unless the client asked for a specific spec.</p></div>
  <button type="submit">Run checks</button>
</form>
<section aria-labelledby="progress-heading">
  <h2 id="progress-heading">Progress</h2>
  <p class="alert" role="alert" id="check-error" hidden></p>
  <div id="check-live" aria-live="polite"></div>
  <progress id="check-bar" max="1" value="0" hidden aria-label="Checks run"></progress>
  <p>Verdict: <span role="status" id="check-status"></span></p>
  <p id="check-links" hidden><a id="check-run-link" href="${b}/">Open the run</a> · <a id="check-report-link" href="${b}/">Open the report</a></p>
</section>`,
  );
}

export function runPage(ctx: PageContext, run: RunDetail): string {
  const b = ctx.basePath;
  const api = `${b}/api/v1/runs/${encodeURIComponent(run.id)}`;
  const finished = run.status === 'done' || run.status === 'error';
  return layout(
    ctx,
    run.assetName,
    html`<h1>${run.assetName}</h1>
${
  finished
    ? html`<p>Verdict: <span role="status" class="verdict verdict-${run.verdict ?? 'error'}">${run.verdict ?? 'error'}</span>${run.score !== null ? html` · score ${run.score}` : ''}</p>`
    : html`<div data-watch-run data-events="${api}/events"><p id="run-live" aria-live="polite">${
        run.progress ? `Running check ${run.progress.i}/${run.progress.n}: ${run.progress.check_id}` : `This run is ${run.status}.`
      }</p><noscript><p>Reload the page to see the result.</p></noscript></div>`
}
${run.error ? html`<p class="alert" role="alert">${run.error}</p>` : ''}
<dl class="facts">
  <dt>Client</dt><dd>${run.clientId ?? 'none'}</dd>
  <dt>Profile</dt><dd>${run.profileId}</dd>
  <dt>Kind</dt><dd>${run.assetKind}</dd>
  <dt>Source</dt><dd>${sourceLabel(run.source)}${run.boxFileId ? html` · <a href="https://app.box.com/file/${encodeURIComponent(run.boxFileId)}">Box file ${run.boxFileId}</a>` : ''}</dd>
  <dt>When</dt><dd>${when(run.createdAt)}</dd>
  <dt>Run id</dt><dd><code>${run.id}</code></dd>
</dl>
${
  run.status === 'done'
    ? html`<p class="actions"><a class="button" href="${api}/report.html" download="QC_Report_${run.id}.html">Download HTML report</a> <a class="button" href="${api}" download="QC_Report_${run.id}.json">Download JSON</a> ${boxReportAction(ctx, run)}</p>
<h2>Report</h2>
<iframe class="report" title="QC report for ${run.assetName}" src="${api}/report.html" sandbox=""></iframe>`
    : ''
}`,
  );
}
