// The admin page's campaigns section (issue 7 item 4), built by scripts/build-ui.ts into a static asset
// (public/ui/assets/campaigns.<hash>.js, never in the Worker bundle) and loaded by client/admin.ts into
// #campaigns-root. Plain browser JS over `window.wabridge.api` (the page's session-bound client): pick a
// number and an approved template, choose a CSV, see the preflight, start, and watch the progress bar.
// No inline handlers or HTML strings from data: every node is built with textContent (CSP script-src 'self').
export const CAMPAIGNS_SCRIPT = String.raw`(() => {
  'use strict';
  const root = document.getElementById('campaigns-root');
  if (!root || root.dataset.mounted) return;
  root.dataset.mounted = '1';
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') node.textContent = String(v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) node.append(c);
    return node;
  };
  const api = (path, init) => window.wabridge.api(path, init);
  const say = (node, text, kind) => { node.textContent = text; node.dataset.kind = kind || ''; };
  const errorText = (e) => (e && e.message) || 'Something failed: try again.';

  const connection = el('select', { id: 'campaign-connection', 'aria-label': 'WhatsApp number' });
  const template = el('select', { id: 'campaign-template', 'aria-label': 'Approved template' });
  const file = el('input', { id: 'campaign-csv', type: 'file', accept: '.csv,text/csv' });
  const policy = el('select', { id: 'campaign-policy', 'aria-label': 'Over the messaging tier' },
    el('option', { value: 'refuse', text: 'Refuse if over the messaging tier' }),
    el('option', { value: 'spread', text: 'Spread over the following days' }));
  const check = el('button', { type: 'button', id: 'campaign-preflight', class: 'secondary', text: 'Check recipients' });
  const start = el('button', { type: 'button', id: 'campaign-start', text: 'Start campaign', disabled: true });
  const status = el('p', { id: 'campaign-status', role: 'status', 'aria-live': 'polite' });
  const preflightBox = el('div', { id: 'campaign-preflight-result' });
  const list = el('ul', { id: 'campaign-list' });
  root.append(
    el('p', { class: 'hint', text: 'CSV with a header row: a phone column (a phone number, or the business-scoped user ID of a customer who uses a WhatsApp username, e.g. US.1349…), then one column per template variable (1, 2 or their names).' }),
    el('div', { class: 'field' }, el('label', { for: 'campaign-connection', text: 'Number' }), connection),
    el('div', { class: 'field' }, el('label', { for: 'campaign-template', text: 'Template' }), template),
    el('div', { class: 'field' }, el('label', { for: 'campaign-csv', text: 'Recipients (CSV)' }), file),
    el('div', { class: 'field' }, el('label', { for: 'campaign-policy', text: 'Messaging tier' }), policy),
    el('div', { class: 'actions' }, check, start),
    status, preflightBox, list);

  async function body(dryRun) {
    const chosen = file.files && file.files[0];
    if (!chosen) throw new Error('Choose a CSV file first.');
    return { connectionId: connection.value, templateId: template.value, csv: await chosen.text(),
      overTierPolicy: policy.value, dryRun };
  }

  function showPreflight(p) {
    preflightBox.replaceChildren(el('ul', { class: 'preflight' },
      el('li', { text: p.sendable + ' will receive the template (' + p.valid + ' valid numbers, ' + p.duplicates + ' duplicates merged)' }),
      el('li', { text: p.invalid.count + ' invalid numbers, ' + p.optedOut.count + ' opted out, ' + p.missingVariables.count + ' missing variables' }),
      el('li', { text: 'Estimated cost: ' + p.estimate.total.toFixed(2) + ' ' + p.estimate.currency + ' for ' + p.estimate.billable + ' billable messages' }),
      el('li', { text: p.tier.fits ? 'Within the messaging tier' : 'Over the messaging tier: room for ' + p.tier.room + ' new customers in 24 h' + (p.tier.scheduledByOtherCampaigns ? ' (' + p.tier.scheduledByOtherCampaigns + ' taken by other campaigns' + (p.tier.scope === 'portfolio' ? ' of the business portfolio' : ' of this number') + ')' : '') + (p.tier.policy === 'spread' ? ', spread over ' + p.tier.days + ' days' : '') })));
  }

  function progressRow(c) {
    const bar = el('progress', { max: '100', value: '0', 'aria-label': 'Progress of ' + c.name });
    const label = el('span', { class: 'progress-label' });
    const counts = el('span', { class: 'hint' });
    const actions = el('span', { class: 'actions' });
    const row = el('li', { 'data-campaign': c.id }, el('strong', { text: c.name + ' ' }), bar, label, counts, actions);
    let timer = null;
    const act = (verb) => el('button', { type: 'button', class: 'secondary', 'data-action': verb, text: verb[0].toUpperCase() + verb.slice(1) });
    const refresh = async () => {
      try {
        const data = await api('/api/campaigns/' + encodeURIComponent(c.id));
        const p = data.progress;
        bar.value = p.percent;
        label.textContent = ' ' + p.percent + ' % · ' + data.campaign.status;
        row.dataset.status = data.campaign.status;
        row.dataset.percent = String(p.percent);
        const n = p.counts;
        counts.textContent = ' queued ' + n.queued + ' · sent ' + n.sent + ' · delivered ' + n.delivered + ' · read ' + n.read +
          ' · failed ' + n.failed + ' · skipped ' + n.skipped + ' · unknown ' + n.unknown +
          // Frequency caps (Meta 131049, issue 12 item 3): how many, and when the next retry is due.
          (p.capped && p.capped.capped ? ' · capped ' + p.capped.capped + (p.capped.nextRetryAt
            ? ' (next retry ' + new Date(p.capped.nextRetryAt).toLocaleString() + ')' : '') : '') +
          (data.campaign.statusReason ? ' · ' + data.campaign.statusReason : '');
        const verbs = data.campaign.status === 'running' || data.campaign.status === 'scheduled' ? ['pause', 'cancel']
          : data.campaign.status === 'paused' ? ['resume', 'cancel'] : [];
        actions.replaceChildren(...verbs.map(act));
        const finished = ['completed', 'cancelled'].includes(data.campaign.status);
        if (!finished) timer = setTimeout(refresh, 1000);
      } catch (e) {
        say(status, errorText(e), 'error');
        timer = setTimeout(refresh, 5000);
      }
    };
    actions.addEventListener('click', async (event) => {
      const verb = event.target && event.target.dataset && event.target.dataset.action;
      if (!verb) return;
      clearTimeout(timer);
      try { await api('/api/campaigns/' + encodeURIComponent(c.id) + '/' + verb, { method: 'POST' }); }
      catch (e) { say(status, errorText(e), 'error'); }
      void refresh();
    });
    void refresh();
    return row;
  }

  check.addEventListener('click', async () => {
    start.disabled = true;
    say(status, 'Checking recipients…');
    try {
      const data = await api('/api/campaigns', { method: 'POST', body: await body(true) });
      showPreflight(data.preflight);
      start.disabled = data.preflight.sendable === 0;
      say(status, 'Checked: review the numbers, then start.');
    } catch (e) { say(status, errorText(e), 'error'); }
  });
  start.addEventListener('click', async () => {
    start.disabled = true;
    say(status, 'Starting…');
    try {
      const data = await api('/api/campaigns', { method: 'POST', body: await body(false) });
      list.prepend(progressRow(data.campaign));
      say(status, 'Campaign started.');
    } catch (e) { say(status, errorText(e), 'error'); start.disabled = false; }
  });

  let loading = 0;
  async function loadTemplates() {
    const mine = ++loading;
    if (!connection.value) return template.replaceChildren();
    const data = await api('/api/templates?status=APPROVED&connectionId=' + encodeURIComponent(connection.value));
    // Only the latest request fills the list (a change while the first list loads must not mix the two).
    if (mine !== loading) return;
    template.replaceChildren(...data.templates.map((t) => el('option', { value: t.id,
      text: t.name + ' (' + t.language + ', ' + String(t.category).toLowerCase() + ')' })));
  }
  connection.addEventListener('change', () => void loadTemplates().catch((e) => say(status, errorText(e), 'error')));

  async function init() {
    const conns = await api('/api/connections');
    for (const c of conns.connections) connection.append(el('option', { value: c.id, text: c.label + ' ' + (c.senderPhone || '') }));
    await loadTemplates();
    const existing = await api('/api/campaigns');
    for (const c of existing.campaigns) list.append(progressRow(c));
  }
  const go = () => void init().catch((e) => say(status, errorText(e), 'error'));
  if (window.wabridge) go(); else window.addEventListener('wabridge:session', go, { once: true });
})();
`;
