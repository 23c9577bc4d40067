// One target per test file, started before its suites and stopped after them (workerd starts in seconds: the
// workerd test file starts it once and runs every shared suite against it).
import { afterAll, beforeAll } from 'vitest';
import { signMetaWebhook } from '../mocks/meta';
import { START_TARGET, type AppTarget, type TargetKind } from './app-target';

export interface TargetRef {
  kind: TargetKind;
  /** The started target (only inside tests and hooks). */
  readonly current: AppTarget;
}

export function useTarget(kind: TargetKind): TargetRef {
  let target: AppTarget | undefined;
  beforeAll(async () => {
    target = await START_TARGET[kind]();
  }, 120_000);
  afterAll(async () => {
    await target?.dispose();
  });
  return {
    kind,
    get current() {
      if (!target) throw new Error(`the ${kind} target is not started`);
      return target;
    },
  };
}

/** The demo HighLevel installation's admin session on `target`. */
export function adminSession(target: AppTarget): Promise<string> {
  return target.session({
    installationId: target.seed.highlevel.installation.id,
    crm: 'highlevel',
    role: 'admin',
    userId: 'suite-admin',
  });
}

/**
 * POSTs a Meta webhook to `target`'s /webhooks/meta, signed with the demo Meta app secret, or with `secret`, or (false)
 * with a well-formed signature of nothing (forged).
 */
export async function postMetaWebhookTo(
  target: AppTarget,
  payload: unknown,
  secret?: string | false,
): Promise<Response> {
  const body = JSON.stringify(payload);
  return target.request('/webhooks/meta', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256':
        secret === false
          ? 'sha256=' + 'ab'.repeat(32)
          : await signMetaWebhook(body, secret ?? target.vars.META_APP_SECRET!),
    },
    body,
  });
}

/** The admin API on `target` (the demo installation's admin session): the status and the JSON body. */
export async function adminApi<T>(
  target: AppTarget,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const res = await target.request(path, {
    ...init,
    headers: { authorization: `Bearer ${await adminSession(target)}`, 'content-type': 'application/json' },
  });
  return { status: res.status, body: (await res.json()) as T };
}
