/**
 * "My Box" (DESIGN §10): connect or disconnect the user's own Box, browse their folders, pick a
 * file and QC it as them; on a finished run from their Box, put the report next to the file.
 * Forms post here and work without script.
 */
import type { FastifyInstance } from 'fastify';
import { checkBoxFile, uploadReportNextToFile } from '../../boxconnect/check.js';
import { BoxConnectError } from '../../boxconnect/errors.js';
import type { BoxConnect, BoxFolderListing } from '../../boxconnect/service.js';
import { ConsoleError } from '../errors.js';
import { html, type Html } from '../html.js';
import { layout, when, type PageContext } from './layout.js';
import type { PageHelpers, PagesDeps } from './page-helpers.js';

const notice = (q: Record<string, string | undefined>): Html => {
  const text = q.notice === 'disconnected' ? 'Box is disconnected: aiqc revoked its access and deleted the tokens.' : q.notice === 'report' ? `The report was put in your Box as ${q.name ?? 'a new file'}.` : '';
  return text ? html`<p class="notice" role="status">${text}</p>` : html``;
};

function sizeText(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function browser(b: string, listing: BoxFolderListing): Html {
  const crumbs = [...listing.folder.path.filter((p) => p.id !== listing.folder.id), { id: listing.folder.id, name: listing.folder.name }];
  return html`<nav aria-label="Folder path" class="crumbs"><ol>${crumbs.map((c, i) =>
    i === crumbs.length - 1 ? html`<li aria-current="page">${c.id === '0' ? 'All files' : c.name}</li>` : html`<li><a href="${b}/box?folder=${c.id}">${c.id === '0' ? 'All files' : c.name}</a></li>`,
  )}</ol></nav>
${listing.truncated ? html`<p class="card" role="status">This folder holds more than ${listing.items.length.toLocaleString('en')} items; the first ${listing.items.length.toLocaleString('en')} are listed, in Box’s order. To check a file further down, move it into a subfolder in Box.</p>` : ''}
${
  listing.items.length === 0
    ? html`<p class="muted">This folder is empty.</p>`
    : html`<table class="stack box-items"><caption class="visually-hidden">Items in ${listing.folder.name}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Size</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>${listing.items.map((item) =>
        item.type === 'folder'
          ? html`<tr><td data-label="Name"><a href="${b}/box?folder=${item.id}">📁 ${item.name}</a></td><td data-label="Size"></td><td></td></tr>`
          : html`<tr><td data-label="Name">${item.name}</td><td data-label="Size">${sizeText(item.size)}</td><td><a class="button secondary" href="${b}/box/check?file=${item.id}&amp;folder=${listing.folder.id}" aria-label="Check ${item.name}">Check</a></td></tr>`,
      )}</tbody></table>`
}`;
}

export async function boxPages(scope: FastifyInstance, deps: PagesDeps & { boxConnect: BoxConnect }, h: PageHelpers): Promise<void> {
  const b = deps.basePath;
  const connect = deps.boxConnect;
  const ctx = (request: Parameters<PageHelpers['ctx']>[0]): PageContext => h.ctx(request, 'box');

  scope.get('/box', async (request, reply) => {
    const p = h.principal(request);
    const q = request.query as Record<string, string | undefined>;
    const status = await connect.status(p.userId);
    if (!status.box_user || status.broken) {
      const body = html`<h1>My Box</h1>${notice(q)}
${status.broken ? html`<p class="alert" role="alert">Your Box connection stopped working: ${status.broken.reason}. Connect again to keep using your Box here.</p>` : ''}
<div class="card"><p>Connect your own Box account to check files from it as yourself: aiqc reads only what you can see, with your permission, and you can disconnect at any time.</p>
<p><a class="button" href="${b}/auth/box/login">${status.broken ? 'Reconnect Box' : 'Connect Box'}</a></p></div>`;
      return h.send(reply, layout(ctx(request), 'My Box', body));
    }
    const folderId = q.folder && /^\d+$/.test(q.folder) ? q.folder : '0';
    let listing: BoxFolderListing | undefined;
    let problem: BoxConnectError | undefined;
    try {
      listing = await connect.listFolder(p.userId, folderId);
    } catch (error) {
      if (!(error instanceof BoxConnectError)) throw error;
      problem = error;
    }
    const body = html`<h1>My Box</h1>${notice(q)}
<div class="card box-account"><p>Connected as <strong>${status.box_user.name}</strong> (${status.box_user.login}) since ${when(status.connected_at ? Date.parse(status.connected_at) : null)}.</p>
<form class="inline" method="post" action="${b}/box/disconnect"><button class="secondary" type="submit">Disconnect Box</button></form></div>
${problem ? html`<p class="alert" role="alert">${problem.message} ${problem.fix ?? ''}</p>${problem.code === 'box_connection_broken' ? html`<p><a class="button" href="${b}/auth/box/login">Reconnect Box</a></p>` : ''}` : ''}
${listing ? html`<h2>Files</h2>${browser(b, listing)}` : ''}`;
    return h.send(reply, layout(ctx(request), 'My Box', body));
  });

  scope.post('/box/disconnect', async (request, reply) => {
    await connect.disconnect(h.principal(request).userId);
    return h.redirect(reply, '/box?notice=disconnected');
  });

  scope.get('/box/check', async (request, reply) => {
    const p = h.principal(request);
    const q = request.query as Record<string, string | undefined>;
    const fileId = q.file && /^\d+$/.test(q.file) ? q.file : undefined;
    if (!fileId) throw new ConsoleError(400, 'invalid_request', 'Pick a file in My Box first.');
    const folderId = q.folder && /^\d+$/.test(q.folder) ? q.folder : '0';
    const listing = await connect.listFolder(p.userId, folderId);
    const file = listing.items.find((i) => i.id === fileId && i.type === 'file');
    const name = file?.name ?? `Box file ${fileId}`;
    const clients = deps.service.visibleClients(p);
    const profiles = deps.service.listProfiles();
    const body = html`<h1>Check ${name}</h1>
<p class="muted">From your Box, folder ${listing.folder.name}. aiqc downloads it with your Box access and checks it; the run appears in Runs with source “my Box”.</p>
<form class="card" method="post" action="${b}/box/check">
  <input type="hidden" name="file_id" value="${fileId}">
  <div class="field"><label for="client">Client</label><select id="client" name="client">
    ${p.role === 'admin' ? html`<option value="">No client</option>` : ''}
    ${clients.map((c) => html`<option value="${c.id}">${c.name}</option>`)}</select></div>
  <div class="field"><label for="profile">Profile</label><select id="profile" name="profile">
    <option value="">The client's default</option>
    ${profiles.map((pr) => html`<option value="${pr.id}">${pr.name} (${pr.id})</option>`)}</select></div>
  <button type="submit">Run checks</button>
</form>
<p><a href="${b}/box?folder=${folderId}">Back to ${listing.folder.name}</a></p>`;
    return h.send(reply, layout(ctx(request), `Check ${name}`, body));
  });

  scope.post('/box/check', async (request, reply) => {
    const p = h.principal(request);
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    if (!body.file_id || !/^\d+$/.test(body.file_id)) throw new ConsoleError(400, 'invalid_request', 'Pick a file in My Box first.');
    const accepted = await checkBoxFile({ connect, service: deps.service, dataDir: deps.dataDir }, p, {
      fileId: body.file_id,
      ...(body.client ? { client: body.client } : {}),
      ...(body.profile ? { profile: body.profile } : {}),
    });
    return h.redirect(reply, `/runs/${encodeURIComponent(accepted.runId)}`);
  });

  scope.post('/box/runs/:id/report', async (request, reply) => {
    const runId = (request.params as { id: string }).id;
    const uploaded = await uploadReportNextToFile({ connect, service: deps.service, dataDir: deps.dataDir }, h.principal(request), runId);
    return h.redirect(reply, `/box?folder=${uploaded.folderId}&notice=report&name=${encodeURIComponent(uploaded.name)}`);
  });
}

/** On a finished run from the user's Box: the button that puts its report next to the file. */
export function boxReportAction(ctx: PageContext, run: { id: string; source: string; status: string }): Html {
  if (!ctx.boxConnect || run.source !== 'my_box' || run.status !== 'done') return html``;
  return html`<form class="inline" method="post" action="${ctx.basePath}/box/runs/${encodeURIComponent(run.id)}/report"><button class="secondary" type="submit">Upload the report next to the file in my Box</button></form>`;
}
