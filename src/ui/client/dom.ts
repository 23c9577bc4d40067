// Tiny DOM helpers for the page scripts: no framework, just enough to build nodes safely (text, never HTML).

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;
type Child = Node | string | null | undefined | false;

/** Builds an element; strings become text nodes, `on*` attributes become listeners, `false`/`null` are skipped. */
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

export function clear(el: Element, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => !!c));
}

/** Calls fn after `ms` of quiet: lint-as-you-type and search without a request per keystroke. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** Announces a message in the page's status line (a polite live region) with a tone for colour. */
export function announce(text: string, tone: 'info' | 'ok' | 'error' = 'info', id = 'status'): void {
  const el = document.getElementById(id);
  if (!el) return;
  el.textContent = text;
  el.dataset.tone = tone;
  el.hidden = text === '';
}
