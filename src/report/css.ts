/**
 * The report's one stylesheet. Mobile first: a single column of cards that holds at 390 px;
 * from 720 px a finding card puts its measured/expected values beside the text. Print (A4 or
 * Letter; the page size is the printer's): no shadows or backgrounds that waste ink, cards
 * never split, headings kept with what follows, words never broken inside (only an unbroken
 * token such as a file name or hash may wrap anywhere). Nothing under 12 px, so nothing under
 * 11 px even where a chart is scaled down.
 */
export const REPORT_CSS = `
:root{--pass:#1a7f37;--warn:#9a6700;--fail:#cf222e;--error:#8250df;--skipped:#6e7781;--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:#fff;word-break:normal;overflow-wrap:break-word;hyphens:manual}
main{max-width:980px;margin:0 auto;padding:16px}
h1{font-size:20px;line-height:1.3;margin:4px 0;overflow-wrap:anywhere}
h2{font-size:17px;margin:24px 0 8px;break-after:avoid}
h3{font-size:15px;margin:0}
p{margin:6px 0}
ul,ol{margin:6px 0;padding-left:22px}
.muted{color:var(--muted)}
.pass{color:var(--pass)}.warn{color:var(--warn)}.fail{color:var(--fail)}.error{color:var(--error)}.skipped{color:var(--skipped)}
.top{border:1px solid var(--line);border-radius:10px;padding:14px;background:var(--bg);display:grid;grid-template-columns:1fr;gap:12px}
.verdict-row{display:flex;flex-wrap:wrap;align-items:center;gap:10px 14px}
.verdict{display:inline-block;padding:5px 12px;border-radius:6px;color:#fff;font-weight:700;letter-spacing:.04em;font-size:15px}
.bg-pass{background:var(--pass)}.bg-warn{background:var(--warn)}.bg-fail{background:var(--fail)}.bg-error{background:var(--error)}
.score{font-size:15px;font-weight:700;white-space:nowrap}.score b{font-size:26px}
.asset-line{font-size:13px;color:var(--muted)}
.thumb{line-height:0}.thumb img{max-width:100%;max-height:160px;border:1px solid var(--line);border-radius:6px;background:repeating-conic-gradient(#eee 0 25%,#fff 0 50%) 0 0/16px 16px}
.fix{border-left:5px solid var(--fail);padding:8px 12px;background:#fff;border-radius:6px;margin-top:12px}
.fix.look{border-left-color:var(--warn)}
.fix h2{margin:0 0 4px;font-size:16px}
.fix li{margin:4px 0}
.unreadable{border-left:5px solid var(--error);padding:8px 12px;background:#fff;border-radius:6px}
.unreadable dt{font-weight:700;margin-top:4px}.unreadable dd{margin:0 0 4px}
.card{border:1px solid var(--line);border-radius:8px;padding:12px;margin:10px 0;break-inside:avoid;page-break-inside:avoid}
.card-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 10px}
.pill{display:inline-block;font-size:13px;font-weight:700;padding:1px 8px;border-radius:999px;border:1.5px solid currentColor;white-space:nowrap}
.card .message{margin:6px 0}
.values{display:grid;grid-template-columns:1fr;gap:6px;margin-top:8px}
.values section{background:var(--bg);border-radius:6px;padding:6px 10px}
.values h4{margin:0 0 2px;font-size:13px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.03em}
dl.kv{margin:0;display:grid;grid-template-columns:minmax(0,max-content) minmax(min-content,1fr);gap:2px 12px}
dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;min-width:0}
.evidence ul{padding-left:18px}
details{margin-top:6px}
summary{cursor:pointer;color:var(--muted);font-size:13px}
.tech{font-size:13px;color:var(--muted)}
code{font:13px ui-monospace,SFMono-Regular,Menlo,"DejaVu Sans Mono",monospace;overflow-wrap:anywhere}
.stills{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin:8px 0}
.still{margin:0}.still.around{grid-column:1 / -1;max-width:480px}.still .frames{display:grid;grid-template-columns:repeat(3,1fr);gap:3px}
.still img{width:100%;height:auto;border:1px solid var(--line);border-radius:3px;display:block}
.still .frames span{font-size:12px;color:var(--muted);display:block;text-align:center}
figure{margin:8px 0}figcaption{font-size:13px;color:var(--muted)}
.picture{break-inside:avoid;page-break-inside:avoid}
.chart{display:block;width:100%;max-width:460px;height:auto;border:1px solid var(--line);border-radius:4px;background:#fff}
.chart text{fill:var(--muted)}
.chart .band{fill:#2da44e2e;stroke:#2da44e}.chart .line{fill:none;stroke:#0969da;stroke-width:1.8}.chart .axis{stroke:#8c959f}.chart .grid{stroke:#eaeef2}
.chart .peak line{stroke:#6e7781;stroke-dasharray:3 3}.chart .peak path{fill:#6e7781}.chart .peak.over line{stroke:var(--fail)}.chart .peak.over path{fill:var(--fail)}
.chart .track{fill:#eaeef2}.seg-black{fill:#24292f;background:#24292f}.seg-freeze{fill:#0969da;background:#0969da}.seg-silence{fill:#bf8700;background:#bf8700}
.chart .too-long{stroke:var(--fail);stroke-width:2.5}
.legend{list-style:none;padding:0;margin:4px 0;display:flex;flex-wrap:wrap;gap:2px 16px;font-size:13px;color:var(--ink)}
.legend li{display:flex;align-items:center;gap:6px}
.sw{display:inline-block;width:16px;height:12px;border-radius:2px;flex:none}
.sw-line{height:3px;background:#0969da}.sw-band{background:#2da44e2e;border:1px solid #2da44e}.sw-peak{width:0;height:0;border-left:6px solid transparent;border-right:6px solid transparent;border-top:10px solid #6e7781;border-radius:0}.sw-peak.over{border-top-color:var(--fail)}
.too-long-sw{background:#fff;border:2.5px solid var(--fail)}
.page-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:12px}
.page-tile{margin:0}.page-tile svg{width:100%;height:auto;display:block;border:1px solid var(--line);box-shadow:0 1px 3px #0002}
.page-tile .paper{fill:#fff}.page-tile .mark{fill:none;stroke-width:3}.page-tile .num{fill:#fff;font-weight:700}
.badge{display:inline-block;min-width:20px;padding:0 5px;margin:0 2px;border-radius:10px;color:#fff;font-size:12px;font-weight:700;text-align:center;line-height:20px}
.passed li{margin:2px 0}
.info dl.kv{font-size:14px}
footer{margin-top:24px;font-size:12px;color:var(--muted);border-top:1px solid var(--line);padding-top:8px;overflow-wrap:anywhere}
@media (min-width:720px){
  main{padding:24px}
  .top{grid-template-columns:1fr auto}.thumb img{max-width:280px;max-height:240px}
  .card{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:0 18px}
  .card>.card-main{grid-column:1}.card>.values{grid-column:2;margin-top:0}
  .card>.wide{grid-column:1 / -1}
  .info dl.kv{grid-template-columns:repeat(2,minmax(0,max-content) minmax(min-content,1fr))}
}
@page{margin:14mm 12mm}
@media print{
  body{font-size:12.5pt}
  main{max-width:none;padding:0}
  .top{background:#fff;break-inside:avoid}
  .thumb img{max-height:150px;max-width:200px}
  .top{grid-template-columns:1fr auto}
  .card{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:0 14px;padding:8px 10px;margin:6px 0}
  .card>.card-main{grid-column:1}.card>.values{grid-column:2;margin-top:0}.card>.wide{grid-column:1 / -1}
  .values section{background:#fff;border:1px solid var(--line)}
  .chart{max-width:330px}
  .thumb img{max-height:120px;max-width:160px}
  .page-grid{grid-template-columns:repeat(6,1fr)}
  h2,h3{break-after:avoid;page-break-after:avoid}
  details>summary{list-style:none}
  .verdict,.bg-pass,.bg-warn,.bg-fail,.bg-error,.badge,.sw,.seg-black,.seg-freeze,.seg-silence{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
`;
