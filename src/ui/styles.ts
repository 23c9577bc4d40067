// One stylesheet for both pages: narrow-first (320 px sidebar), light and dark from the OS / CRM setting,
// colours chosen for ≥ 4.5:1 text contrast in both schemes.
export const STYLES = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1c1e21;--muted:#4b5563;--line:#d1d5db;--card:#f6f7f9;
--accent:#0b6b58;--accent-fg:#ffffff;--open:#0f5132;--open-bg:#d1f2e0;--closed:#842029;--closed-bg:#f8d7da;
--none:#664d03;--none-bg:#fff3cd;--soon:#7c3d00;--soon-bg:#ffe0b2;--urgent:#ffffff;--urgent-bg:#b42318;--mark:#fde047;--mark-fg:#1c1e21;--read:#0b63c5;--err:#b42318;--ok:#0f5132;--in:#ffffff;--out:#dcf8c6;--focus:#1d4ed8}
@media (prefers-color-scheme:dark){:root{--bg:#111827;--fg:#f3f4f6;--muted:#c2c8d0;--line:#374151;--card:#1f2937;
--accent:#34d399;--accent-fg:#062a20;--open:#a7f3d0;--open-bg:#064e3b;--closed:#fecaca;--closed-bg:#7f1d1d;
--none:#fde68a;--none-bg:#713f12;--soon:#fed7aa;--soon-bg:#7c2d12;--urgent:#ffffff;--urgent-bg:#b91c1c;--mark:#facc15;--mark-fg:#111827;--read:#7cc4ff;--err:#fca5a5;--ok:#86efac;--in:#1f2937;--out:#064e3b;--focus:#93c5fd}}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
main{padding:12px;max-width:1100px;margin:0 auto}
main.sidebar{max-width:520px}
h1{font-size:16px;margin:0 0 8px}h2{font-size:15px;margin:16px 0 8px}h3{font-size:14px;margin:0 0 8px}
a{color:var(--read)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
label{display:block;font-weight:600;margin:6px 0 2px}
input,select,textarea,button{font:inherit;color:inherit}
input,select,textarea{width:100%;padding:6px 8px;border:1px solid var(--line);border-radius:6px;background:var(--bg)}
textarea{min-height:64px;resize:vertical}
input[aria-invalid=true],select[aria-invalid=true],textarea[aria-invalid=true]{border-color:var(--err);border-width:2px}
input:disabled,textarea:disabled{opacity:.65;cursor:not-allowed}
button{padding:7px 12px;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-fg);font-weight:600;cursor:pointer}
button.secondary{background:transparent;color:var(--fg);border-color:var(--line)}
button.danger{background:transparent;color:var(--err);border-color:var(--err)}
button:disabled{opacity:.5;cursor:not-allowed}
fieldset{border:1px solid var(--line);border-radius:8px;padding:8px 10px;margin:8px 0}
legend{font-weight:600;padding:0 4px}
.row{display:flex;gap:6px;align-items:center;flex-wrap:wrap}.row>input{flex:1 1 140px;width:auto}
.row>select{width:auto;flex:0 1 auto;max-width:100%}.row>label{margin:0}
.grid{display:grid;gap:8px;grid-template-columns:repeat(auto-fit,minmax(180px,1fr))}
.field{margin-bottom:6px}.field-error{color:var(--err);margin:2px 0 0;font-size:13px;min-height:0}
.hint{color:var(--muted);font-size:13px;margin:4px 0}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
[hidden]{display:none!important}
.status{padding:6px 8px;border-radius:6px;background:var(--card);margin:0 0 8px}
[data-tone=error]{color:var(--err)}.status[data-tone=error]{background:var(--closed-bg);color:var(--closed)}
[data-tone=ok]{color:var(--ok)}
.badge{display:block;padding:6px 8px;border-radius:8px;font-weight:600;margin:4px 0}
.badge[data-tone=open]{background:var(--open-bg);color:var(--open)}
.badge[data-tone=closed]{background:var(--closed-bg);color:var(--closed)}
.badge[data-tone=none]{background:var(--none-bg);color:var(--none)}
.badge[data-tone=soon]{background:var(--soon-bg);color:var(--soon)}
.badge[data-tone=urgent]{background:var(--urgent-bg);color:var(--urgent)}
.customer-summary{display:flex;gap:8px;align-items:center;justify-content:space-between;flex-wrap:wrap}
.customer-summary h1{margin:0;font-size:15px;overflow-wrap:anywhere;flex:1 1 0;min-width:0}
button.small{padding:3px 8px;font-size:13px}
.why{font-weight:600;margin:2px 0 6px;font-size:13px}
#picker>h2{margin:8px 0 4px}
#picker[data-required=true]>h2{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;margin:0}
.draft{border:1px dashed var(--line);border-radius:8px;padding:6px 8px;margin:6px 0}
.draft blockquote{margin:4px 0;white-space:pre-wrap;overflow-wrap:anywhere}
.counter{color:var(--muted);font-size:12px;margin:2px 0 0;text-align:right}.counter:empty{display:none}
.counter[data-tone=warn]{color:var(--err)}
.field-error:empty,#send-reason:empty,#template-send-reason:empty,.ok-line:empty{display:none}
.ok-line{color:var(--ok);margin:4px 0}
mark.wa-missing{background:var(--mark);color:var(--mark-fg);border-radius:3px;padding:0 2px}
.var-row{display:flex;gap:6px;flex-wrap:wrap}.var-row>input{flex:1 1 140px;width:auto}
.var-row>select{flex:0 1 130px;width:auto;max-width:100%}
.filters{display:grid;gap:6px;grid-template-columns:repeat(auto-fit,minmax(150px,1fr))}
.filters label{margin-top:0}
.fep{background:var(--card);border-left:4px solid var(--accent);padding:6px 8px;margin:4px 0;font-size:13px}
.thread{list-style:none;margin:0;padding:8px;background:var(--card);border-radius:8px;max-height:min(260px,45vh);overflow-y:auto;display:flex;flex-direction:column;gap:6px}
.msg{max-width:85%;padding:6px 8px;border-radius:8px;background:var(--in);border:1px solid var(--line);overflow-wrap:anywhere;white-space:pre-wrap}
.msg-outbound{align-self:flex-end;background:var(--out)}
.msg .meta{display:flex;gap:6px;justify-content:flex-end;font-size:12px;color:var(--muted);white-space:nowrap}
.ticks{font-weight:700;letter-spacing:-2px}.ticks-read{color:var(--read)}.ticks-failed{color:var(--err);letter-spacing:0}
.fail-reason{display:block;color:var(--err);font-size:12px}
.retry-note{display:block;color:var(--muted);font-size:12px}
.empty{color:var(--muted);list-style:none}
.template-list{list-style:none;margin:6px 0;padding:0;max-height:min(240px,60vh);overflow-y:auto}
.template-choice{display:block;width:100%;text-align:left;background:var(--card);color:var(--fg);border:1px solid var(--line);margin-bottom:4px;font-weight:400}
.template-choice .name{display:block;font-weight:700}.template-choice .tags{display:block;font-size:12px;color:var(--muted)}
.template-choice .snippet{display:block;font-size:12px;color:var(--muted);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.preview{background:var(--card);border-radius:8px;padding:8px;margin:8px 0}
.wa-preview{background:var(--out);border-radius:8px;padding:8px;max-width:100%;overflow-wrap:anywhere}
.wa-header{margin-bottom:4px}.wa-media{font-style:italic;color:var(--muted)}.wa-footer{font-size:12px;color:var(--muted);margin-top:4px}
.wa-buttons{list-style:none;padding:0;margin:6px 0 0;display:grid;gap:4px}
.wa-button{text-align:center;padding:5px;border-radius:6px;background:var(--bg);color:var(--read);font-weight:600}
.wa-preview code{font-family:ui-monospace,Menlo,Consolas,monospace}
.card{border:1px solid var(--line);border-radius:8px;padding:10px;margin:8px 0;background:var(--card)}
table{width:100%;border-collapse:collapse;font-size:13px}
th,td{text-align:left;padding:6px;border-bottom:1px solid var(--line);vertical-align:top}
.table-wrap{overflow-x:auto}
.pill{padding:1px 8px;border-radius:999px;background:var(--card);border:1px solid var(--line);white-space:nowrap}
.pill-approved{background:var(--open-bg);color:var(--open)}.pill-rejected,.pill-disabled{background:var(--closed-bg);color:var(--closed)}
.pill-paused,.pill-pending{background:var(--none-bg);color:var(--none)}
.reason{color:var(--err)}
.finding{margin:2px 0}.finding-error strong{color:var(--err)}.finding-warning strong{color:var(--none)}
section.panel{border-top:1px solid var(--line);padding-top:4px}
.admin{display:block}.admin>main{width:100%;min-width:0}
.admin-nav{position:sticky;top:0;z-index:2;background:var(--bg);border-bottom:1px solid var(--line)}
.admin-nav ul{list-style:none;margin:0;padding:6px 8px;display:flex;flex-wrap:wrap;gap:4px}
.admin-nav a{display:block;padding:8px 12px;border-radius:6px;color:var(--fg);text-decoration:none;font-weight:600}
.admin-nav a:hover{background:var(--card)}
.admin-nav a[aria-current=page]{background:var(--accent);color:var(--accent-fg)}
@media (min-width:1024px){.admin{display:grid;grid-template-columns:190px minmax(0,1fr)}
.admin-nav{height:100vh;border-bottom:0;border-right:1px solid var(--line)}.admin-nav ul{flex-direction:column;padding:12px 8px}}
.admin-section h2:focus{outline:none}
.gallery{list-style:none;padding:0;margin:8px 0;display:grid;gap:10px;grid-template-columns:repeat(auto-fill,minmax(260px,1fr))}
.template-card{margin:0;display:flex;flex-direction:column;gap:4px}.template-card h3{margin:0;overflow-wrap:anywhere}
.template-card .reason p{margin:2px 0}.template-card button{align-self:flex-start;margin-top:auto}
.bubble-wrap .wa-preview{box-shadow:0 1px 1px rgba(0,0,0,.15);border-top-left-radius:0}
.campaign-list{list-style:none;padding:0}.campaign-list h4{margin:0 0 6px}
.campaign-progress{margin:6px 0}.progress-line{display:flex;gap:10px;align-items:center}
.progress-line progress{flex:1 1 auto;width:100%;height:18px}.progress-label{white-space:nowrap;font-weight:600}
figure{margin:14px 0}figcaption{font-weight:600;margin-bottom:6px}
.bars{list-style:none;padding:0;margin:0;display:grid;gap:6px}
.bars li{display:grid;grid-template-columns:minmax(8rem,14rem) minmax(0,1fr) auto;gap:8px;align-items:center}
.bar-track{display:block;height:16px;background:var(--card);border:1px solid var(--line);border-radius:4px;overflow:hidden}
.bar-fill{display:block;height:100%}.bar-value{font-variant-numeric:tabular-nums;white-space:nowrap}
.time-chart{min-height:60px;max-width:100%;overflow:hidden}
caption{text-align:left;font-weight:600;padding:4px 0}
`;
