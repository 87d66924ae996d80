/**
 * The console's stylesheet and its one small script, shipped inside the package (no CDN, no
 * build step). The script only enhances: every page works without it (forms post, the run
 * page refreshes), and reports never run any script at all.
 */
export const CONSOLE_CSS = `
:root{--fg:#1b1f24;--muted:#4b5563;--bg:#fff;--line:#d0d7de;--accent:#0b57d0;--pass:#116329;--warn:#7a4d00;--fail:#b42318;--error:#6b21a8;--soft:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:9}
header.top{display:flex;flex-wrap:wrap;align-items:center;gap:4px 16px;padding:8px 16px;border-bottom:1px solid var(--line);background:var(--soft)}
header.top .brand{font-weight:700;text-decoration:none;color:var(--fg);margin-right:8px}
header.top nav ul{display:flex;flex-wrap:wrap;gap:4px 14px;list-style:none;margin:0;padding:0}
header.top nav a[aria-current=page]{font-weight:700;text-decoration:none;color:var(--fg);border-bottom:3px solid var(--accent)}
header.top .who{margin-left:auto;display:flex;align-items:center;gap:8px;color:var(--muted);font-size:14px}
main{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:1.6rem;margin:.2em 0 .6em;overflow-wrap:anywhere}
h2{font-size:1.2rem;margin:1.4em 0 .5em}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
th{font-size:14px;color:var(--muted)}
.table-wrap{overflow-x:auto}
form.inline{display:inline}
.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-end;margin-bottom:12px}
label{display:block;font-weight:600;font-size:14px;margin-bottom:4px}
input[type=email],input[type=password],input[type=file],select{font:inherit;padding:6px 8px;border:1px solid #6e7781;border-radius:6px;min-width:12rem;max-width:100%;background:#fff}
button,.button{font:inherit;padding:7px 14px;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#fff;color:var(--accent)}
button:disabled{opacity:.6;cursor:not-allowed}
.field{margin-bottom:14px}
.card{border:1px solid var(--line);border-radius:8px;padding:16px;margin-bottom:16px}
.card>h2:first-child{margin-top:0}
caption{text-align:left;padding:4px 0}
.narrow{max-width:26rem}
.verdict{font-weight:700;text-transform:uppercase;font-size:14px;padding:1px 8px;border-radius:10px;border:1px solid currentColor;white-space:nowrap}
.verdict-pass{color:var(--pass)}.verdict-warn{color:var(--warn)}.verdict-fail{color:var(--fail)}.verdict-error{color:var(--error)}.verdict-pending{color:var(--muted)}
.muted{color:var(--muted)}
.alert{border:1px solid var(--fail);background:#fff5f5;color:var(--fail);padding:8px 12px;border-radius:6px}
.notice{border:1px solid var(--pass);background:#f0fff4;color:var(--pass);padding:8px 12px;border-radius:6px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}
dl.facts dt{font-weight:600;color:var(--muted)}dl.facts dd{margin:0;overflow-wrap:anywhere}
iframe.report{width:100%;height:70vh;border:1px solid var(--line);border-radius:8px}
progress{width:100%;max-width:30rem;height:1rem}
.actions{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end}
code{font-size:.9em;overflow-wrap:anywhere}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.crumbs ol{display:flex;flex-wrap:wrap;gap:4px;list-style:none;padding:0;margin:0 0 8px}
.crumbs li+li::before{content:"/";margin-right:4px;color:var(--muted)}
.button.secondary{background:#fff;color:var(--accent)}
.box-account{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between}.box-account p{margin:0}
.box-items td:last-child{text-align:right;white-space:nowrap}
.or{margin:12px 0;color:var(--muted)}
@media (max-width:600px){
 main{padding:12px}
 table.stack thead{position:absolute;left:-9999px}
 table.stack tr{display:block;border-bottom:1px solid var(--line);padding:6px 0}
 table.stack td{display:flex;gap:8px;border:0;padding:2px 4px}
 table.stack td::before{content:attr(data-label);font-weight:600;color:var(--muted);min-width:6.5rem}
 header.top .who{margin-left:0;width:100%}
 input[type=email],input[type=password],input[type=file],select{width:100%}
}
`;

export const CONSOLE_JS = `
(function () {
  'use strict';
  var base = document.body.getAttribute('data-base') || '';
  function text(el, value) { if (el) el.textContent = value; }
  function follow(eventsUrl, onProgress, onDone) {
    var source = new EventSource(eventsUrl);
    source.addEventListener('progress', function (e) { onProgress(JSON.parse(e.data)); });
    source.addEventListener('done', function (e) { source.close(); onDone(JSON.parse(e.data)); });
    source.onerror = function () { if (source.readyState === 2) onDone(null); };
    return source;
  }
  // /check: upload through the API, then follow the run's events to its verdict.
  var form = document.getElementById('check-form');
  if (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var button = form.querySelector('button[type=submit]');
      var live = document.getElementById('check-live');
      var status = document.getElementById('check-status');
      var errorBox = document.getElementById('check-error');
      var bar = document.getElementById('check-bar');
      var links = document.getElementById('check-links');
      errorBox.hidden = true; links.hidden = true; text(status, ''); bar.hidden = true;
      button.disabled = true;
      text(live, 'Uploading…');
      fetch(base + '/api/v1/checks', { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
        .then(function (res) { return res.json().then(function (body) { return { ok: res.ok, body: body }; }); })
        .then(function (r) {
          if (!r.ok) throw new Error(r.body && r.body.error ? r.body.error.message : 'The upload failed.');
          var runId = r.body.run_id;
          text(live, 'Queued with profile ' + r.body.profile_id + '…');
          follow(r.body.events_url, function (p) {
            bar.hidden = false; bar.max = p.n; bar.value = p.i;
            text(live, 'Running check ' + p.i + '/' + p.n + ': ' + p.check_id);
          }, function (done) {
            button.disabled = false;
            if (!done) { text(live, 'Lost the connection; open the run page for the result.'); }
            else { bar.value = bar.max; text(live, 'Finished: score ' + done.score + '.'); text(status, done.verdict); status.className = 'verdict verdict-' + done.verdict; }
            var runLink = document.getElementById('check-run-link');
            var reportLink = document.getElementById('check-report-link');
            runLink.href = base + '/runs/' + encodeURIComponent(runId);
            reportLink.href = base + '/api/v1/runs/' + encodeURIComponent(runId) + '/report.html';
            links.hidden = false;
          });
        })
        .catch(function (err) { button.disabled = false; text(live, ''); errorBox.hidden = false; text(errorBox, err.message); });
    });
  }
  // /runs/:id while queued or running: follow it, then show the finished page.
  var watch = document.querySelector('[data-watch-run]');
  if (watch) {
    follow(watch.getAttribute('data-events'), function (p) {
      text(document.getElementById('run-live'), 'Running check ' + p.i + '/' + p.n + ': ' + p.check_id);
    }, function () { window.location.reload(); });
  }
  // /: refresh the table in place every few seconds.
  var runs = document.getElementById('runs-body');
  if (runs) {
    setInterval(function () {
      if (document.hidden) return;
      fetch(window.location.href, { headers: { 'x-fragment': 'runs-body' }, credentials: 'same-origin' })
        .then(function (res) { return res.ok ? res.text() : null; })
        .then(function (body) { if (body !== null && body !== runs.innerHTML) runs.innerHTML = body; })
        .catch(function () {});
    }, 4000);
  }
})();
`;
