// Local mode (DESIGN.md §5): vendor simulators over HTTP on loopback, D1 migrations, a seeded demo, and the Worker
// under wrangler's dev engine (worker-host.ts) with every vendor base URL pointed at the simulators. No network, no
// real credentials.
// `npm run dev` (scripts/dev.ts) and tests (test/integration/local-mode.test.ts, browser tests) both start it here.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createSessionToken } from '../../src/security/session';
import type { SessionClaims } from '../../src/security/session';
import { startSimulatorServer } from '../../test/mocks/http-server';
import type { SimulatorServer } from '../../test/mocks/http-server';
import {
  createVendorSimulators,
  localVendorBases,
  SIM_CRM_CLIENTS,
  vendorEnvVars,
} from '../../test/mocks/index';
import type { VendorSimulators } from '../../test/mocks/index';
import { DEMO_CUSTOMERS, DEMO_META_OPTIONS, seedSimulators } from './demo';
import { ensureDevVars } from './dev-vars';
import { seedDemo } from './seed';
import type { DemoSeed } from './seed';
import { createSimControl } from './sim-control';
import { applyMigrations, freePort, REPO_ROOT, startWranglerDev, waitForHealthy } from './wrangler';
import type { WranglerDev } from './wrangler';

export interface LocalModeOptions {
  host?: string;
  /** App (Worker) port; 0 = a free one. Default 8787. */
  appPort?: number;
  /** Simulator port; 0 = a free one. Default 8789. */
  simPort?: number;
  /** DevTools inspector port; 0 = a free one. Default: no inspector (scripts/local-mode/worker-host.ts says why). */
  inspectorPort?: number;
  /** Rebuild and reload the Worker when its sources change (npm run dev). */
  watch?: boolean;
  /**
   * Where local D1 lives (wrangler --persist-to). Default `.wrangler/state`, shared with `wrangler dev` and
   * `npm run db:migrate:local`. Tests pass a temporary directory.
   */
  persistTo?: string;
  /**
   * Vars file. Default: `.dev.vars` (kept between runs). With `isolated: true` they live in
   * `<persistTo>/local-mode.env`, passed with --env-file, and .dev.vars is neither read nor written.
   */
  isolated?: boolean;
  /** Worker entry overriding wrangler.toml's `main`. */
  entry?: string;
  /** Show wrangler's output (npm run dev) or keep it for error reports (tests). */
  stdio?: 'inherit' | 'pipe';
  /** Log simulator traffic (method, path, status) to the console. */
  logSimulatorRequests?: boolean;
  log?: (line: string) => void;
}

export interface LocalModeUrls {
  app: string;
  simulator: string;
  admin: string;
  sidebar: string;
  pipedrivePanel: string;
  /** The sidebar on the demo customer who uses a WhatsApp username (no phone, opened by BSUID). */
  sidebarUsername: string;
  simulatorControl: string;
}

export interface LocalMode {
  urls: LocalModeUrls;
  sims: VendorSimulators;
  seed: DemoSeed;
  /** Every var and secret the worker runs with (demo values). */
  vars: Record<string, string>;
  /** Mints a UI session for a demo installation (the UI reads `#session=` in dev mode). */
  session(claims: SessionClaims, ttlSeconds?: number): Promise<string>;
  /** Kills the Worker (workerd and its host, SIGKILL: in-memory queues are lost) and starts it again on the same
   * port and database (crash-recovery test and bench). */
  crashAndRestart(): Promise<void>;
  stop(): Promise<void>;
}

const port = async (value: number | undefined, fallback: number, host: string) =>
  value === 0 ? freePort(host) : (value ?? fallback);

export async function startLocalMode(options: LocalModeOptions = {}): Promise<LocalMode> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const persistTo = path.resolve(REPO_ROOT, options.persistTo ?? '.wrangler/state');
  const stdio = options.stdio ?? 'inherit';
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  };

  try {
    const appPort = await port(options.appPort, 8787, host);
    const simPort = await port(options.simPort, 8789, host);
    const inspectorPort =
      options.inspectorPort === undefined ? undefined : await port(options.inspectorPort, 9229, host);
    const appOrigin = `http://${host}:${appPort}`;
    const simOrigin = `http://${host}:${simPort}`;

    const sims = createVendorSimulators({ bases: localVendorBases(simOrigin), meta: DEMO_META_OPTIONS });
    const crmIds = seedSimulators(sims);

    const runScoped = {
      ...vendorEnvVars(sims.bases),
      APP_BASE_URL: appOrigin,
      DEV_MODE: 'true',
      HIGHLEVEL_WEBHOOK_PUBLIC_KEY: sims.highlevel.publicKeySpkiBase64,
    };
    mkdirSync(persistTo, { recursive: true });
    // Isolated runs keep their secrets beside their database, so a second run can still decrypt the first's.
    const envFile = options.isolated ? path.join(persistTo, 'local-mode.env') : undefined;
    const vars = ensureDevVars(envFile ?? path.join(REPO_ROOT, '.dev.vars'), runScoped);

    // The control endpoints need the seeded connections; they are filled in before anyone can call them.
    const control = { connections: [] as Parameters<typeof createSimControl>[0]['connections'] };
    const handleControl = createSimControl({
      sims,
      appOrigin,
      metaAppSecret: vars.META_APP_SECRET!,
      connections: control.connections,
    });
    const server: SimulatorServer = await startSimulatorServer({
      handlers: sims.handlers,
      host,
      port: simPort,
      control: handleControl,
      ...(options.logSimulatorRequests
        ? { onRequest: (r) => log(`[simulator] ${r.method} ${r.path} → ${r.status}`) }
        : {}),
    });
    cleanups.push(() => server.close());

    log('Applying D1 migrations to the local database…');
    await applyMigrations({ persistTo, stdio });
    log('Seeding the demo installation…');
    const seed = await seedDemo({
      persistTo,
      vars,
      sims,
      crmIds,
      pipedriveCompanyId: SIM_CRM_CLIENTS.pipedrive.companyId,
    });
    for (const c of Object.values(seed.highlevel.connections))
      control.connections.push({ ...c, crm: 'highlevel' });
    control.connections.push({ ...seed.pipedrive.connection, crm: 'pipedrive' });

    log("Starting the Worker (wrangler's dev engine)…");
    const devOptions = {
      host,
      port: appPort,
      ...(inspectorPort === undefined ? {} : { inspectorPort }),
      ...(options.watch ? { watch: true } : {}),
      persistTo,
      stdio,
      ...(envFile ? { envFile } : {}),
      ...(options.entry ? { entry: options.entry } : {}),
    };
    let dev: WranglerDev = startWranglerDev(devOptions);
    cleanups.push(() => dev.stop());
    await waitForHealthy(`${appOrigin}/healthz`, dev);
    const crashAndRestart = async () => {
      await dev.kill();
      dev = startWranglerDev(devOptions);
      await waitForHealthy(`${appOrigin}/healthz`, dev);
    };

    const sessionSecret = vars.SESSION_SECRET!;
    const session = async (claims: SessionClaims, ttlSeconds = 12 * 3600) =>
      (await createSessionToken(sessionSecret, claims, Date.now(), ttlSeconds)).token;
    const hl = seed.highlevel.installation;
    const open = DEMO_CUSTOMERS.find((c) => c.key === 'open')!;
    const adminToken = await session({
      installationId: hl.id,
      crm: 'highlevel',
      role: 'admin',
      userId: 'demo-admin',
    });
    const agentToken = await session({
      installationId: hl.id,
      crm: 'highlevel',
      role: 'agent',
      userId: 'demo-agent',
      contactId: crmIds[open.key]!.highlevelContactId,
    });
    const panelToken = await session({
      installationId: seed.pipedrive.installation.id,
      crm: 'pipedrive',
      role: 'agent',
      userId: '1',
      contactId: String(crmIds[open.key]!.pipedrivePersonId),
    });
    const phone = encodeURIComponent(open.phone!);
    const usernameCustomer = DEMO_CUSTOMERS.find((c) => c.key === 'username')!;
    const urls: LocalModeUrls = {
      app: appOrigin,
      simulator: simOrigin,
      admin: `${appOrigin}/ui/admin#session=${adminToken}`,
      sidebar: `${appOrigin}/ui/sidebar?phone=${phone}#session=${agentToken}`,
      pipedrivePanel: `${appOrigin}/ui/sidebar?phone=${phone}#session=${panelToken}`,
      sidebarUsername: `${appOrigin}/ui/sidebar?bsuid=${usernameCustomer.userId}#session=${agentToken}`,
      simulatorControl: `${simOrigin}/_sim`,
    };
    return { urls, sims, seed, vars, session, crashAndRestart, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
