// /ui/admin: one section at a time behind a navigation (issue 14) — connections, the template gallery with
// registration by hand, the builder, campaigns (and a campaign's own page), failed deliveries, settings
// (automations). client/admin.ts fills it through the API once the admin session is known; client/admin-nav.ts
// shows the section the address names (#templates, #campaign/<id>, …).
import { TEMPLATE_STATUSES } from '../core/template';
import { Builder, ConnectionForm, ManualCm } from './admin-forms';
import { assetUrl } from './assets';
import { ADMIN_CATALOGUES } from './i18n/admin/index';
import type { Language } from './i18n/index';
import { Layout } from './layout';

export const ADMIN_SECTIONS = [
  ['connections', 'Connections'],
  ['templates', 'Templates'],
  ['builder', 'Builder'],
  ['campaigns', 'Campaigns'],
  ['deliveries', 'Deliveries'],
  ['settings', 'Settings'],
] as const;

function Nav() {
  return (
    <nav class="admin-nav" aria-label="Admin sections">
      <ul>
        {ADMIN_SECTIONS.map(([id, label]) => (
          <li>
            <a href={`#${id}`} data-nav={id}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Templates() {
  return (
    <section id="templates" class="admin-section" aria-labelledby="templates-title" hidden>
      <h2 id="templates-title" tabindex={-1}>
        Templates
      </h2>
      <div class="row">
        <label for="templates-connection">Number</label>
        <select id="templates-connection"></select>
        <label for="templates-status">Status</label>
        <select id="templates-status">
          <option value="">all</option>
          {TEMPLATE_STATUSES.map((s) => (
            <option value={s}>{s.toLowerCase()}</option>
          ))}
        </select>
        <button type="button" id="sync-now">
          Sync now
        </button>
      </div>
      <p id="sync-summary" role="status" aria-live="polite"></p>
      <p id="templates-synced" class="hint"></p>
      <ul id="templates-gallery" class="gallery" aria-label="Templates of the selected number"></ul>
      <ManualCm />
    </section>
  );
}

export function AdminPage(props: { devMode: boolean; lang?: Language }) {
  return (
    <Layout
      title="wabridge — admin"
      script="admin"
      devMode={props.devMode}
      lang={props.lang}
      messages={ADMIN_CATALOGUES[props.lang ?? 'en']}
    >
      <div class="admin">
        <Nav />
        <main>
          <h1>WhatsApp for your CRM</h1>
          <p id="status" class="status" role="status" aria-live="polite" hidden></p>

          <section id="connections" class="admin-section" aria-labelledby="connections-title">
            <h2 id="connections-title" tabindex={-1}>
              Connections
            </h2>
            <div id="connection-list"></div>
            <ConnectionForm />
          </section>

          <Templates />

          <section id="builder" class="admin-section" aria-labelledby="builder-section-title" hidden>
            <h2 id="builder-section-title" tabindex={-1}>
              Builder
            </h2>
            <Builder />
          </section>

          <section
            id="campaigns"
            class="admin-section"
            aria-labelledby="campaigns-title"
            data-script={assetUrl('campaigns.js')}
            data-charts={assetUrl('charts.js')}
            hidden
          >
            <h2 id="campaigns-title" tabindex={-1}>
              Campaigns
            </h2>
            <div id="campaigns-root"></div>
          </section>

          <section id="deliveries" class="admin-section" aria-labelledby="dead-title" hidden>
            <h2 id="dead-title" tabindex={-1}>
              Failed deliveries
            </h2>
            <p class="hint">Messages and statuses that could not reach the CRM after every retry.</p>
            <button type="button" id="refresh-dead-letters" class="secondary">
              Refresh
            </button>
            <ul id="dead-letters"></ul>
          </section>

          <section id="settings" class="admin-section" aria-labelledby="settings-title" hidden>
            <h2 id="settings-title" tabindex={-1}>
              Settings
            </h2>
            <div id="automations">
              <h3 id="automations-title">Automations</h3>
              <p class="hint">
                CRM workflows can send WhatsApp templates and messages, and start when something happens.
              </p>
              <p id="automations-error" class="result" role="alert"></p>
              <div id="automations-highlevel" hidden></div>
              <h3>Automation webhook</h3>
              <div id="automations-webhook"></div>
              <h3 id="executions-title">Last executions</h3>
              <button type="button" id="refresh-automations" class="secondary">
                Refresh
              </button>
              <div class="table-wrap">
                <table aria-labelledby="executions-title">
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">From</th>
                      <th scope="col">Recipient</th>
                      <th scope="col">Template or message</th>
                      <th scope="col">Outcome</th>
                      <th scope="col">Reason</th>
                    </tr>
                  </thead>
                  <tbody id="automation-executions"></tbody>
                </table>
              </div>
            </div>
          </section>
        </main>
      </div>
    </Layout>
  );
}
