// /ui/admin: one section at a time behind a navigation (issue 14) — connections, the template gallery with
// registration by hand, the builder, campaigns (and a campaign's own page), failed deliveries, settings
// (automations). client/admin.ts fills it through the API once the admin session is known; client/admin-nav.ts
// shows the section the address names (#templates, #campaign/<id>, …).
import { TEMPLATE_STATUSES } from '../core/template';
import { Builder, ConnectionForm, ManualCm, type Tx } from './admin-forms';
import { assetUrl } from './assets';
import { adminCatalogueOf, adminText } from './i18n/admin/index';
import type { Language } from './i18n/index';
import { Layout } from './layout';

export const ADMIN_SECTIONS = [
  'connections',
  'templates',
  'builder',
  'campaigns',
  'deliveries',
  'settings',
] as const;

function Nav({ tx }: { tx: Tx }) {
  return (
    <nav class="admin-nav" aria-label={tx('admin.nav.label')}>
      <ul>
        {ADMIN_SECTIONS.map((id) => (
          <li>
            <a href={`#${id}`} data-nav={id}>
              {tx(`admin.nav.${id}`)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The status filter's words; statuses without their own (rare ones) as the code in lower case. */
const FILTERED = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'] as const;
const filterWord = (tx: Tx, status: string) =>
  (FILTERED as readonly string[]).includes(status)
    ? tx(`admin.filter.${status as (typeof FILTERED)[number]}`)
    : status.toLowerCase();

function Templates({ tx }: { tx: Tx }) {
  return (
    <section id="templates" class="admin-section" aria-labelledby="templates-title" hidden>
      <h2 id="templates-title" tabindex={-1}>
        {tx('admin.nav.templates')}
      </h2>
      <div class="row">
        <label for="templates-connection">{tx('admin.templates.number')}</label>
        <select id="templates-connection"></select>
        <label for="templates-status">{tx('admin.templates.status')}</label>
        <select id="templates-status">
          <option value="">{tx('admin.templates.all')}</option>
          {TEMPLATE_STATUSES.map((s) => (
            <option value={s}>{filterWord(tx, s)}</option>
          ))}
        </select>
        <button type="button" id="sync-now">
          {tx('admin.templates.sync')}
        </button>
      </div>
      <p id="sync-summary" role="status" aria-live="polite"></p>
      <p id="templates-synced" class="hint"></p>
      <ul id="templates-gallery" class="gallery" aria-label={tx('admin.templates.galleryLabel')}></ul>
      <ManualCm tx={tx} />
    </section>
  );
}

export function AdminPage(props: { devMode: boolean; lang?: Language }) {
  const lang = props.lang ?? 'en';
  const tx: Tx = (key) => adminText(lang, key);
  return (
    <Layout
      title="wabridge — admin"
      script="admin"
      devMode={props.devMode}
      lang={props.lang}
      messages={adminCatalogueOf(lang)}
    >
      <div class="admin">
        <Nav tx={tx} />
        <main>
          <h1>{tx('admin.page.title')}</h1>
          <p id="status" class="status" role="status" aria-live="polite" hidden></p>

          <section id="connections" class="admin-section" aria-labelledby="connections-title">
            <h2 id="connections-title" tabindex={-1}>
              {tx('admin.nav.connections')}
            </h2>
            <div id="connection-list"></div>
            <ConnectionForm tx={tx} />
          </section>

          <Templates tx={tx} />

          <section id="builder" class="admin-section" aria-labelledby="builder-section-title" hidden>
            <h2 id="builder-section-title" tabindex={-1}>
              {tx('admin.nav.builder')}
            </h2>
            <Builder tx={tx} />
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
              {tx('admin.nav.campaigns')}
            </h2>
            <div id="campaigns-root"></div>
          </section>

          <section id="deliveries" class="admin-section" aria-labelledby="dead-title" hidden>
            <h2 id="dead-title" tabindex={-1}>
              {tx('admin.deliveries.title')}
            </h2>
            <p class="hint">{tx('admin.deliveries.hint')}</p>
            <button type="button" id="refresh-dead-letters" class="secondary">
              {tx('admin.refresh')}
            </button>
            <ul id="dead-letters"></ul>
          </section>

          <section id="settings" class="admin-section" aria-labelledby="settings-title" hidden>
            <h2 id="settings-title" tabindex={-1}>
              {tx('admin.nav.settings')}
            </h2>
            <div id="automations">
              <h3 id="automations-title">{tx('admin.automations.title')}</h3>
              <p class="hint">{tx('admin.automations.hint')}</p>
              <p id="automations-error" class="result" role="alert"></p>
              <div id="automations-highlevel" hidden></div>
              <h3>{tx('admin.automations.webhook')}</h3>
              <div id="automations-webhook"></div>
              <h3 id="executions-title">{tx('admin.automations.executions')}</h3>
              <button type="button" id="refresh-automations" class="secondary">
                {tx('admin.refresh')}
              </button>
              <div class="table-wrap">
                <table aria-labelledby="executions-title">
                  <thead>
                    <tr>
                      <th scope="col">{tx('admin.automations.when')}</th>
                      <th scope="col">{tx('admin.automations.from')}</th>
                      <th scope="col">{tx('admin.automations.recipient')}</th>
                      <th scope="col">{tx('admin.automations.what')}</th>
                      <th scope="col">{tx('admin.automations.outcome')}</th>
                      <th scope="col">{tx('admin.automations.reason')}</th>
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
