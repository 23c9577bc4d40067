// `window.wabridge`: the session-bound API client for scripts other issues add to the pages
// (e.g. the campaigns section of the admin page), so they never handle the token themselves.
import { api, download } from './api';
import type { PageSession } from './session';

declare global {
  interface Window {
    wabridge?: {
      api: typeof api;
      download: typeof download;
      role: PageSession['role'];
      crm: PageSession['crm'];
    };
  }
}

export function exposePageApi(session: PageSession): void {
  window.wabridge = { api, download, role: session.role, crm: session.crm };
  window.dispatchEvent(new CustomEvent('wabridge:session'));
}
