// The admin page shows one section at a time (issue 14): the address names it (#templates, #campaign/<id>), so the
// browser's back button, links and a reload all work. Each section's heading takes the focus after a navigation.
const SECTIONS = ['connections', 'templates', 'builder', 'campaigns', 'deliveries', 'settings'] as const;
export type Section = (typeof SECTIONS)[number];

export interface Route {
  section: Section;
  /** #campaign/<id>: one campaign's page inside the campaigns section. */
  campaignId?: string;
}

export function parseRoute(hash: string): Route {
  const path = decodeURIComponent(hash.replace(/^#/, ''));
  const campaign = /^campaign\/(.+)$/.exec(path);
  if (campaign) return { section: 'campaigns', campaignId: campaign[1] };
  return { section: (SECTIONS as readonly string[]).includes(path) ? (path as Section) : 'connections' };
}

type Listener = (route: Route) => void;
const listeners: Listener[] = [];

export function onRoute(listener: Listener): void {
  listeners.push(listener);
}

function show(focus: boolean): void {
  const route = parseRoute(location.hash);
  for (const id of SECTIONS) {
    const section = document.getElementById(id);
    if (section) section.hidden = id !== route.section;
  }
  for (const link of document.querySelectorAll<HTMLAnchorElement>('.admin-nav a[data-nav]')) {
    if (link.dataset.nav === route.section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  for (const listener of listeners) listener(route);
  if (focus) document.getElementById(route.section)?.querySelector<HTMLElement>('h2')?.focus();
}

/** Goes to a section (or a campaign's page) as a link would. */
export function navigate(hash: string): void {
  if (location.hash === hash) show(true);
  else location.hash = hash;
}

export function wireNavigation(): void {
  window.addEventListener('hashchange', () => show(true));
  show(false);
}
