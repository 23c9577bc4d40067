// `npm run dev`: local mode on a fresh clone, offline, without credentials (DESIGN.md §5).
// Ports: APP_PORT (8787), SIM_PORT (8789); INSPECTOR_PORT (e.g. 9229) attaches wrangler's DevTools inspector. LOG_SIMULATOR=1 logs every simulator call.
import { startLocalMode } from './local-mode/index';
import type { LocalMode } from './local-mode/index';

const envPort = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a port number, got "${raw}"`);
    process.exit(2);
  }
  return value;
};

function banner(mode: LocalMode): string {
  const { urls, seed } = mode;
  const sim = urls.simulator;
  const c = seed.highlevel.connections;
  const curl = (path: string, body: unknown) =>
    `  curl -s -X POST ${sim}${path} -H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
  return [
    '',
    '──────────────── wabridge local mode ────────────────',
    `App            ${urls.app}   (health: ${urls.app}/healthz)`,
    `Admin page     ${urls.admin}`,
    `Sidebar        ${urls.sidebar}`,
    `Pipedrive panel ${urls.pipedrivePanel}`,
    `Sidebar (username customer, no phone) ${urls.sidebarUsername}`,
    `Simulator      ${sim}   (state: ${sim}/_sim/state)`,
    '',
    `Demo HighLevel location "${seed.highlevel.installation.name}" (${seed.highlevel.installation.id})`,
    `  Meta ${c.meta.senderPhone} · Twilio ${c.twilio.senderPhone} · CM.com ${c.cm.senderPhone}`,
    `Demo Pipedrive company "${seed.pipedrive.installation.name}" (Twilio ${seed.pipedrive.connection.senderPhone})`,
    'Customers: Giulia +393471234567 (window open), Alex +14155550123 (closes in ~10 min), Mari +37251234567 (closed),',
    '  Sam @sam.lee (WhatsApp username, no phone: BSUID SG.20260604000001, Meta and Twilio)',
    '',
    'Play the customer (provider: meta | twilio | cm):',
    curl('/_sim/inbound', { provider: 'meta', from: '+37251234567', text: 'Tere, I am back!' }),
    curl('/_sim/inbound', {
      provider: 'meta',
      userId: 'SG.20260604000001',
      username: 'sam.lee',
      name: 'Sam Lee',
      text: 'Username only, no phone',
    }),
    curl('/_sim/inbound', {
      provider: 'twilio',
      from: '+4915112345678',
      text: 'Hi from an ad',
      referral: true,
    }),
    curl('/_sim/reaction', { provider: 'meta', from: '+393471234567', emoji: '❤️' }),
    curl('/_sim/status', { provider: 'meta', status: 'read' }),
    curl('/_sim/highlevel/outbound', { phone: '+393471234567', message: 'Sent from the HighLevel composer' }),
    '',
    ...automationLines(mode),
    '',
    'Sessions last 12 h; restart `npm run dev` for fresh links. Ctrl-C stops everything.',
    '─────────────────────────────────────────────────────',
    '',
  ].join('\n');
}

/** HighLevel workflow actions and triggers (issue 15), called the way HighLevel calls them, with the action secret. */
function automationLines(mode: LocalMode): string[] {
  const { urls, seed, vars } = mode;
  const locationId = seed.highlevel.installation.accountId;
  const post = (path: string, body: unknown) =>
    `  curl -s -X POST ${urls.app}${path} -H 'content-type: application/json' ` +
    `-H 'x-wabridge-action-secret: ${vars.HIGHLEVEL_ACTION_SECRET}' -d '${JSON.stringify(body)}'`;
  const extras = { locationId, contactId: 'demo-contact' };
  const subscribe = (key: string) =>
    post('/automations/highlevel/triggers', {
      triggerData: {
        id: `demo-${key}`,
        key,
        eventType: 'CREATED',
        targetUrl: `${urls.simulator}/highlevel/workflows-marketplace/triggers/execute/demo-${key}`,
        filters: key === 'wabridge_window_closing_soon' ? [{ field: 'leadMinutes', value: '30' }] : [],
      },
      extras,
    });
  return [
    'HighLevel workflow actions (manifest/highlevel/workflow-actions.json):',
    post('/automations/highlevel/actions/send-template', {
      data: { phone: '+37251234567', template: 'order_confirmation', variable_1: 'Mari' },
      extras: { ...extras, executionId: `demo-${Date.now()}` },
    }),
    post('/automations/highlevel/actions/send-message', {
      data: { phone: '+393471234567', message: 'Hello from a workflow' },
      extras: { ...extras, executionId: `demo-msg-${Date.now()}` },
    }),
    'HighLevel workflow triggers (manifest/highlevel/workflow-triggers.json): subscribe, then play the event above;',
    `  fired triggers show in ${urls.simulator}/_sim/state (highlevel.triggerFirings)`,
    ...[
      'wabridge_message_received',
      'wabridge_message_failed',
      'wabridge_template_status_changed',
      'wabridge_window_closing_soon',
    ].map(subscribe),
  ];
}

async function main(): Promise<void> {
  const mode = await startLocalMode({
    appPort: envPort('APP_PORT', 8787),
    simPort: envPort('SIM_PORT', 8789),
    // DevTools only on request: wrangler's inspector proxy costs a loopback round trip per outbound fetch.
    ...(process.env.INSPECTOR_PORT ? { inspectorPort: envPort('INSPECTOR_PORT', 9229) } : {}),
    watch: true,
    stdio: 'inherit',
    logSimulatorRequests: process.env.LOG_SIMULATOR === '1',
    log: (line) => console.log(`[local-mode] ${line}`),
  });
  console.log(banner(mode));
  // wrangler (imported for getPlatformProxy) exits on SIGINT/SIGTERM at once; stop our children first, then let
  // its own cleanup run.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const inherited = new Map(signals.map((sig) => [sig, process.listeners(sig)]));
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[local-mode] ${signal}: stopping the Worker and the simulator…`);
    void mode.stop().finally(() => {
      for (const listener of inherited.get(signal as (typeof signals)[number]) ?? []) listener(signal);
      process.exit(0);
    });
  };
  for (const sig of signals) {
    process.removeAllListeners(sig);
    process.on(sig, shutdown);
  }
}

main().catch((error: unknown) => {
  console.error('[local-mode] failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
