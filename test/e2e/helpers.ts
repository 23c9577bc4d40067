// Small helpers shared by the browser suites: URLs of the demo world, the simulator's controls, polling.
import type { Harness } from './harness';

/** The local-mode sidebar link, pointed at another customer. */
export function sidebarFor(h: Harness, phone: string): string {
  const url = new URL(h.mode.urls.sidebar);
  url.searchParams.set('phone', phone);
  return url.toString();
}

/** The session token the local-mode links carry in their fragment. */
export function tokenOf(link: string): string {
  return new URLSearchParams(new URL(link).hash.slice(1)).get('session')!;
}

/** Plays the provider or the customer through the simulator (`/_sim/*`): signed webhooks to the app. */
export async function simulate(
  h: Harness,
  path: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${h.mode.urls.simulator}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as { delivered?: { status: number; body: unknown } };
  if (!res.ok || !answer.delivered)
    throw new Error(`simulator ${path} → ${res.status} ${JSON.stringify(answer)}`);
  return answer.delivered;
}

export async function waitFor<T>(
  probe: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Timed out waiting for ${what} (last: ${String(last)})`);
}

/** Syncs the demo Meta number's templates through the API, as an admin would. */
export async function syncMetaTemplates(h: Harness): Promise<unknown> {
  const res = await fetch(`${h.mode.urls.app}/api/templates/sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokenOf(h.mode.urls.admin)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ connectionId: h.mode.seed.highlevel.connections.meta.id }),
  });
  if (!res.ok) throw new Error(`sync failed: ${res.status} ${await res.text()}`);
  return res.json();
}
