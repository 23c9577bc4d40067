// Where the page's bearer session comes from (DESIGN.md §1): HighLevel's SSO handshake, Pipedrive's panel JWT,
// or — in local mode only — a token in the URL fragment (never the query string: it would reach logs).
import { api, setBearer } from './api';
import { PanelSdk } from './pipedrive-sdk';

export interface PageSession {
  token: string;
  crm: 'highlevel' | 'pipedrive';
  role: 'admin' | 'agent';
  contactId?: string;
  dealId?: string;
  sdk?: PanelSdk;
  /** The CRM user's language, when the CRM says it (Pipedrive's user locale). */
  language?: string;
}

interface SessionAnswer {
  token: string;
  role: 'admin' | 'agent';
  crm: 'highlevel' | 'pipedrive';
  language?: string;
}

/** The claims of our own session token, for display only (the API verifies it on every call). */
function claimsOf(token: string): Partial<PageSession> {
  try {
    const part = token.split('.')[1] ?? '';
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(json) as Partial<PageSession>;
  } catch {
    return {};
  }
}

function fromToken(token: string, extra: Partial<PageSession> = {}): PageSession {
  const claims = claimsOf(token);
  return {
    token,
    crm: claims.crm ?? 'highlevel',
    role: claims.role ?? 'agent',
    contactId: claims.contactId,
    dealId: claims.dealId,
    ...extra,
  };
}

/** HighLevel custom page: ask the parent for the encrypted user context; the server decrypts it. */
function highLevelSsoPayload(timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      window.removeEventListener('message', onMessage);
      reject(new Error('HighLevel did not send the user context: open this page from HighLevel.'));
    }, timeoutMs);
    function onMessage(event: MessageEvent<{ message?: string; payload?: unknown }>) {
      if (event.source !== window.parent || event.data?.message !== 'REQUEST_USER_DATA_RESPONSE') return;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      if (typeof event.data.payload === 'string') resolve(event.data.payload);
      else reject(new Error('HighLevel sent an unreadable user context.'));
    }
    window.addEventListener('message', onMessage);
    window.parent.postMessage({ message: 'REQUEST_USER_DATA' }, '*');
  });
}

async function highLevelSession(contactId?: string): Promise<string> {
  const ssoPayload = await highLevelSsoPayload();
  const answer = await api<SessionAnswer>('/api/session', {
    method: 'POST',
    body: { crm: 'highlevel', ssoPayload, ...(contactId ? { contactId } : {}) },
  });
  return answer.token;
}

export async function startSession(options: {
  devMode: boolean;
  surface: 'panel' | 'settings';
}): Promise<PageSession> {
  const url = new URL(location.href);
  const fragment = new URLSearchParams(url.hash.slice(1));
  const devToken = fragment.get('session');
  if (devToken) {
    // Drop the token from the address bar and history either way.
    history.replaceState(null, '', url.pathname + url.search);
    if (!options.devMode)
      throw new Error('Session links work in local mode only: open this page from the CRM.');
    setBearer(devToken);
    return fromToken(devToken);
  }

  const panelToken = url.searchParams.get('token');
  if (panelToken) {
    const sdk = new PanelSdk(url.searchParams.get('id') ?? '');
    // Initialize first: Pipedrive hides a panel whose SDK is not ready within 10 s.
    const ready = sdk.initialize(document.body.scrollHeight).catch(() => null);
    const resource = url.searchParams.get('resource');
    const selected = url.searchParams.get('selectedIds')?.split(',')[0] ?? undefined;
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search);
    const answer = await api<SessionAnswer>('/api/session', {
      method: 'POST',
      body: {
        crm: 'pipedrive',
        token: panelToken,
        surface: options.surface,
        ...(resource === 'person' && selected ? { personId: selected } : {}),
        ...(resource === 'deal' && selected ? { dealId: selected } : {}),
      },
    });
    await ready;
    setBearer(answer.token);
    sdk.followContentHeight(document.body);
    return fromToken(answer.token, { sdk, ...(answer.language ? { language: answer.language } : {}) });
  }

  if (window.parent !== window) {
    const contactId = url.searchParams.get('contactId') ?? undefined;
    const token = await highLevelSession(contactId);
    // HighLevel sessions are renewed from a fresh SSO payload when they expire.
    setBearer(token, () => highLevelSession(contactId).catch(() => null));
    return fromToken(token);
  }
  throw new Error('Open this page from HighLevel or Pipedrive (or from the links `npm run dev` prints).');
}
