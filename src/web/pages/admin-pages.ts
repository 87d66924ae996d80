/** /clients, /clients/:id (default profile Override / Revert to default), /jobs (Retry), /profiles. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { JOB_STATUSES, type JobStatus } from '../../db/schema.js';
import type { ClientView } from '../console-service.js';
import { html } from '../html.js';
import { layout, when } from './layout.js';
import type { PageHelpers, PagesDeps } from './page-helpers.js';

function webhookState(folder: ClientView['folders'][number]) {
  const health = folder.health;
  if (health?.webhookDeletedAt) return html`<strong class="verdict-fail">deleted in Box</strong> (${when(health.webhookDeletedAt)}): run <code>aiqc box register-all-clients</code>`;
  if (health?.lastDeliveryAt) return html`receiving`;
  return html`<span class="muted">no delivery yet</span>`;
}

/** The file a job is about (Box and upload payloads both name it), for people scanning the list. */
function fileOf(payload: unknown): string {
  const p = (payload ?? {}) as { file_name?: unknown; name?: unknown; client_id?: unknown };
  const name = typeof p.file_name === 'string' ? p.file_name : typeof p.name === 'string' ? p.name : '–';
  return typeof p.client_id === 'string' ? `${name} (${p.client_id})` : name;
}

export async function adminPages(scope: FastifyInstance, deps: PagesDeps, h: PageHelpers): Promise<void> {
  const b = deps.basePath;
  const notice = (request: FastifyRequest) => {
    const text = (request.query as Record<string, string | undefined>).done;
    return text ? html`<p class="notice" role="status">${text}</p>` : '';
  };

  scope.get('/clients', async (request, reply) => {
    const views = await deps.service.listClients(h.principal(request));
    return h.send(
      reply,
      layout(
        h.ctx(request, 'clients'),
        'Clients',
        html`<h1>Clients</h1>
${views.length === 0 ? html`<p class="muted">No clients you can see. Clients are configured in clients.yaml.</p>` : ''}
<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">Client</th><th scope="col">Default profile</th><th scope="col">Box folders</th><th scope="col">Last delivery</th><th scope="col">Missed uploads</th></tr></thead><tbody>
${views.map((v) => {
  const last = Math.max(0, ...v.folders.map((f) => f.health?.lastDeliveryAt ?? 0));
  return html`<tr><td data-label="Client"><a href="${b}/clients/${encodeURIComponent(v.id)}">${v.name}</a> <span class="muted">${v.id}</span></td>
  <td data-label="Default">${v.effectiveDefault}${v.override ? html` <span class="muted">(override)</span>` : ''}</td>
  <td data-label="Folders">${v.folders.length}</td><td data-label="Last delivery">${when(last || null)}</td>
  <td data-label="Missed">${v.folders.reduce((n, f) => n + (f.health?.missedCount ?? 0), 0)}</td></tr>`;
})}
</tbody></table></div>`,
      ),
    );
  });

  scope.get('/clients/:id', async (request, reply) => {
    const p = h.principal(request);
    const v = await deps.service.clientView(p, (request.params as { id: string }).id);
    const admin = p.role === 'admin';
    const webhookUrl = `${request.protocol}://${request.host}${b}/api/box/webhook`;
    const current = [...v.history].reverse().find((e) => e.revertedAt === null && e.profileId === v.override);
    return h.send(
      reply,
      layout(
        h.ctx(request, 'clients'),
        v.name,
        html`<h1>${v.name}</h1>${notice(request)}
<section class="card" aria-labelledby="default-heading"><h2 id="default-heading">Default profile</h2>
<p>In force: <strong id="effective-default">${v.effectiveDefault}</strong> ${
          v.override
            ? html`<span class="muted">(override of the configured ${v.configuredDefault}${current ? html`, set by ${current.setBy ?? 'unknown'} on ${when(current.setAt)}` : ''})</span>`
            : html`<span class="muted">(the configured default)</span>`
        }</p>
${
  admin
    ? html`<div class="actions">
<form method="post" action="${b}/clients/${encodeURIComponent(v.id)}/default-profile" class="actions">
  <div><label for="override-profile">Profile</label><select id="override-profile" name="profile">${v.profiles.map(
    (id) => html`<option value="${id}"${id === v.effectiveDefault ? html` selected` : ''}>${id}</option>`,
  )}</select></div>
  <button type="submit">Override</button></form>
<form method="post" action="${b}/clients/${encodeURIComponent(v.id)}/default-profile/revert"><button type="submit" class="secondary"${v.override ? '' : html` disabled aria-describedby="revert-hint"`}>Revert to default</button></form>
</div>${v.override ? '' : html`<p id="revert-hint" class="muted">Nothing to revert: the configured default is in force.</p>`}`
    : html`<p class="muted">Only admins can change the default profile.</p>`
}
<h3>Changes</h3>
${
  v.history.length === 0
    ? html`<p class="muted">No overrides yet.</p>`
    : html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">Profile</th><th scope="col">Set by</th><th scope="col">Set</th><th scope="col">Reverted by</th><th scope="col">Reverted</th></tr></thead><tbody>
${[...v.history].reverse().map(
  (e) => html`<tr><td data-label="Profile">${e.profileId}</td><td data-label="Set by">${e.setBy ?? 'unknown'}</td><td data-label="Set">${when(e.setAt)}</td><td data-label="Reverted by">${e.revertedAt ? (e.revertedBy ?? 'unknown') : '–'}</td><td data-label="Reverted">${e.revertedAt ? when(e.revertedAt) : '–'}</td></tr>`,
)}</tbody></table></div>`
}
</section>
<section class="card" aria-labelledby="folders-heading"><h2 id="folders-heading">Box folders and webhook health</h2>
<p>Webhook address: <code>${webhookUrl}</code></p>
<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">INCOMING folder</th><th scope="col">REPORTS folder</th><th scope="col">Profile</th><th scope="col">Last delivery</th><th scope="col">Missed uploads</th><th scope="col">Webhook</th></tr></thead><tbody>
${v.folders.map(
  (f) => html`<tr><td data-label="INCOMING"><a href="https://app.box.com/folder/${encodeURIComponent(f.incomingFolderId)}">${f.incomingFolderId}</a></td><td data-label="REPORTS"><a href="https://app.box.com/folder/${encodeURIComponent(f.reportsFolderId)}">${f.reportsFolderId}</a></td>
<td data-label="Profile">${f.profile ?? html`<span class="muted">client default</span>`}</td><td data-label="Last delivery">${when(f.health?.lastDeliveryAt)}</td><td data-label="Missed">${f.health?.missedCount ?? 0}${f.health?.lastMissedAt ? html` (last ${when(f.health.lastMissedAt)})` : ''}</td><td data-label="Webhook">${webhookState(f)}</td></tr>`,
)}</tbody></table></div>
</section>`,
      ),
    );
  });

  scope.post('/clients/:id/default-profile', async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const profile = String((request.body as Record<string, unknown> | undefined)?.profile ?? '');
    const view = await deps.service.setDefaultProfile(h.principal(request), id, profile);
    return h.redirect(reply, `/clients/${encodeURIComponent(id)}?done=${encodeURIComponent(`Default profile is now ${view.effectiveDefault}.`)}`);
  });

  scope.post('/clients/:id/default-profile/revert', async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const view = await deps.service.revertDefaultProfile(h.principal(request), id);
    return h.redirect(reply, `/clients/${encodeURIComponent(id)}?done=${encodeURIComponent(`Reverted: default profile is now ${view.effectiveDefault}.`)}`);
  });

  scope.get('/jobs', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const status = (JOB_STATUSES as readonly string[]).includes(q.status ?? '') ? (q.status as JobStatus) : undefined;
    const jobs = await deps.service.listJobs(h.principal(request), { limit: 100, ...(status ? { status } : {}) });
    return h.send(
      reply,
      layout(
        h.ctx(request, 'jobs'),
        'Jobs',
        html`<h1>Jobs</h1>${notice(request)}
<form method="get" action="${b}/jobs" class="filters"><div><label for="job-status">Status</label><select id="job-status" name="status"><option value="">Any status</option>${JOB_STATUSES.map(
          (s) => html`<option value="${s}"${status === s ? html` selected` : ''}>${s}</option>`,
        )}</select></div><button type="submit">Filter</button></form>
<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">Job</th><th scope="col">Kind</th><th scope="col">File</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Updated</th><th scope="col">Last error and fix</th><th scope="col"><span class="muted">Action</span></th></tr></thead><tbody>
${jobs.length === 0 ? html`<tr><td colspan="8" class="muted">No jobs.</td></tr>` : ''}
${jobs.map(
  (j) => html`<tr><td data-label="Job">${j.id}</td><td data-label="Kind">${j.kind}</td><td data-label="File">${fileOf(j.payload)}</td><td data-label="Status">${j.status}</td><td data-label="Attempts">${j.attempts}/${j.maxAttempts}</td><td data-label="Updated">${when(j.updatedAt)}</td>
<td data-label="Last error">${j.lastError ?? html`<span class="muted">–</span>`}</td>
<td data-label="Action">${j.status === 'dead' ? html`<form method="post" action="${b}/jobs/${j.id}/retry"><button type="submit" aria-label="Retry job ${j.id}">Retry</button></form>` : ''}</td></tr>`,
)}</tbody></table></div>`,
      ),
    );
  });

  scope.post('/jobs/:id/retry', async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    const job = await deps.service.retryJob(h.principal(request), Number.isSafeInteger(id) ? id : 0);
    return h.redirect(reply, `/jobs?done=${encodeURIComponent(`Job ${job.id} is queued again.`)}`);
  });

  scope.get('/profiles', async (request, reply) => {
    h.principal(request);
    const profiles = deps.service.listProfiles();
    return h.send(
      reply,
      layout(
        h.ctx(request, 'profiles'),
        'Profiles',
        html`<h1>Profiles</h1><p class="muted">${profiles.length} profiles. Each runs these checks; severity says whether a failure fails the file or warns.</p>
${profiles.map(
  (p) => html`<details class="card"><summary><strong>${p.name}</strong> <code>${p.id}</code> <span class="muted">· ${p.applies_to.join(', ')} · ${p.checks.length} ${p.checks.length === 1 ? 'check' : 'checks'}</span></summary>
${p.description ? html`<p>${p.description}</p>` : ''}<p class="muted">Source: ${p.source}</p>
<ul>${p.checks.map((c) => html`<li>${c.name} <code>${c.id}</code> <span class="muted">(${c.severity})</span></li>`)}</ul></details>`,
)}`,
      ),
    );
  });
}
