import type { Principal } from '../../auth/accounts.js';
import { html, type Html } from '../html.js';

export interface PageContext {
  basePath: string;
  principal: Principal | null;
  /** The nav item to mark as current. */
  current?: 'runs' | 'check' | 'clients' | 'jobs' | 'profiles' | 'box';
  /** Box connect is configured: the nav shows "My Box". */
  boxConnect?: boolean;
}

/** Content-Security-Policy of console pages: only our own script, style and frames. */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function layout(ctx: PageContext, title: string, body: Html): string {
  const b = ctx.basePath;
  const p = ctx.principal;
  const item = (key: PageContext['current'], href: string, label: string) =>
    html`<li><a href="${b}${href}"${ctx.current === key ? html` aria-current="page"` : ''}>${label}</a></li>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · aiqc</title>
<link rel="stylesheet" href="${b}/assets/console.css">
<script src="${b}/assets/console.js" defer></script>
</head>
<body data-base="${b}">
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="${b}/">aiqc</a>
  ${
    p
      ? html`<nav aria-label="Main"><ul>
    ${item('runs', '/', 'Runs')}${item('check', '/check', 'Check a file')}${ctx.boxConnect ? item('box', '/box', 'My Box') : ''}${item('clients', '/clients', 'Clients')}${p.role === 'admin' ? item('jobs', '/jobs', 'Jobs') : ''}${item('profiles', '/profiles', 'Profiles')}
    <li><a href="${b}/api/docs">API</a></li>
  </ul></nav>
  <div class="who"><span>${p.email} (${p.role})</span>
    <form class="inline" method="post" action="${b}/logout"><button class="secondary" type="submit">Sign out</button></form></div>`
      : ''
  }
</header>
<main id="main">
${body}
</main>
</body>
</html>
`.text;
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
export function when(ms: number | null | undefined): Html {
  if (ms === null || ms === undefined) return html`<span class="muted">never</span>`;
  const d = new Date(ms);
  return html`<time datetime="${d.toISOString()}">${dateFormat.format(d)} UTC</time>`;
}

export function verdictBadge(verdict: string | null, status: string): Html {
  const v = verdict ?? (status === 'queued' || status === 'running' ? status : 'pending');
  const cls = ['pass', 'warn', 'fail', 'error'].includes(v) ? v : 'pending';
  return html`<span class="verdict verdict-${cls}">${v}</span>`;
}

/** How a run's source reads in the console ("my_box" is a file from the user's own Box). */
export function sourceLabel(source: string): string {
  return source === 'my_box' ? 'my Box' : source;
}
