// The approved-template picker of the sidebar: searchable, filtered by language and category, templates in the
// customer's language first, then the template form (variables, media header, preview) and its send.
import { matchTemplate } from '../../core/template-match';
import { api, describeError } from './api';
import { customerLanguage, customerLanguageFirst, inLanguage } from './customer-language';
import { byId, clear, debounce, h } from './dom';
import { languageName, t } from './i18n';
import {
  renderTemplateForm,
  type ContactFields,
  type ListedTemplate,
  type TemplateFormState,
} from './template-form';

export interface PickerHost {
  connectionId(): string;
  /** The customer's phone (E.164), for their probable language; null for a username-only customer. */
  customerPhone(): string | null;
  contactFields(): ContactFields;
  /** Categories the customer cannot receive: authentication templates need a phone (issue 11). */
  unavailableCategories(): string[];
  /** Why nothing may be sent right now ('' = may send): no customer, or another number typed. */
  sendBlocker(): string;
  send(content: unknown, button: HTMLButtonElement, errorEl: HTMLElement): Promise<boolean>;
}

const state = {
  templates: [] as ListedTemplate[],
  templatesFor: '',
  form: null as TemplateFormState | null,
  chosen: '',
};
let host: PickerHost;

async function loadTemplates(): Promise<void> {
  if (state.templatesFor === host.connectionId()) return;
  const answer = await api<{ templates: ListedTemplate[] }>(
    `/api/templates?${new URLSearchParams({ connectionId: host.connectionId(), status: 'APPROVED' })}`,
  );
  // The API gives agents APPROVED only; an admin using the sidebar gets the same list.
  state.templates = answer.templates.filter((t) => t.status === 'APPROVED');
  state.templatesFor = host.connectionId();
  const languages = [...new Set(state.templates.map((t) => t.language))].sort();
  const select = byId<HTMLSelectElement>('template-language');
  const chosen = select.value;
  clear(
    select,
    h('option', { value: '' }, t('sidebar.picker.allLanguages')),
    ...languages.map((l) => h('option', { value: l }, languageName(l))),
  );
  select.value = languages.includes(chosen) ? chosen : '';
}

function renderTemplateList(): void {
  const search = byId<HTMLInputElement>('template-search').value.trim().toLowerCase();
  const language = byId<HTMLSelectElement>('template-language').value;
  const category = byId<HTMLSelectElement>('template-category').value;
  const customer = customerLanguage(host.customerPhone());
  const matches = customerLanguageFirst(
    state.templates.filter(
      (t) =>
        (!language || t.language === language) &&
        (!category || t.category === category) &&
        (!search ||
          t.name.toLowerCase().includes(search) ||
          t.components.body.toLowerCase().includes(search)),
    ),
    customer,
  );
  const list = byId('template-list');
  clear(
    list,
    ...(matches.length
      ? matches.map((tpl) => {
          const unavailable = host.unavailableCategories().includes(tpl.category);
          const native = inLanguage(tpl.language, customer);
          return h(
            'li',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'template-choice',
                'data-template': tpl.name,
                'data-language': tpl.language,
                ...(native ? { 'data-customer-language': 'true' } : {}),
                ...(unavailable
                  ? { disabled: true, 'aria-disabled': 'true', 'data-unavailable': 'phone_required' }
                  : { onclick: () => chooseTemplate(tpl) }),
              },
              h('span', { class: 'name' }, tpl.name),
              h(
                'span',
                { class: 'tags' },
                `${languageName(tpl.language)}${native ? ` (${t('sidebar.picker.customerLanguage')})` : ''} · ` +
                  t(`sidebar.picker.category.${tpl.category}`),
              ),
              h('span', { class: 'snippet' }, tpl.components.body.slice(0, 90)),
              unavailable && h('span', { class: 'unavailable' }, t('sidebar.picker.unavailable')),
            ),
          );
        })
      : [
          h(
            'li',
            { class: 'empty' },
            state.templates.length ? t('sidebar.picker.noMatch') : t('sidebar.picker.none'),
          ),
        ]),
  );
  byId('template-count').textContent = t('sidebar.picker.count', {
    shown: matches.length,
    total: state.templates.length,
  });
}

function updateSendTemplate(): void {
  const form = state.form;
  const blocker = host.sendBlocker() || (form?.blocker ?? '');
  byId<HTMLButtonElement>('send-template').disabled = !form?.valid || !!host.sendBlocker();
  byId('template-send-reason').textContent = blocker;
}

function chooseTemplate(tpl: ListedTemplate, initial: Record<string, string> = {}): void {
  byId('template-form').hidden = false;
  byId('template-choices').hidden = true;
  byId('template-error').textContent = '';
  byId('template-title').textContent = `${tpl.name} (${languageName(tpl.language)})`;
  state.chosen = tpl.name;
  state.form = renderTemplateForm(
    tpl,
    host.contactFields(),
    (s) => {
      state.form = s;
      updateSendTemplate();
    },
    initial,
  );
  const first = byId('variables').querySelector('input');
  if (first) {
    first.focus();
    // A pre-filled value is selected, so typing replaces it ("Alex", never "AlexAlex").
    first.setSelectionRange(0, first.value.length);
  } else byId('send-template').focus();
}

function backToList(): void {
  byId('template-form').hidden = true;
  byId('template-choices').hidden = false;
  state.form = null;
  const chosen = [...byId('template-list').querySelectorAll<HTMLButtonElement>('.template-choice')].find(
    (b) => b.dataset.template === state.chosen,
  );
  (chosen ?? byId('template-search')).focus();
}

/**
 * A draft left when the window closed, offered as the approved template it matches exactly (the same matcher
 * that sends HighLevel's out-of-window text as a template), its values taken from the draft.
 */
export async function offerDraftTemplate(draft: string): Promise<void> {
  const button = byId<HTMLButtonElement>('draft-template');
  button.hidden = true;
  if (!draft) return;
  try {
    await loadTemplates();
  } catch {
    return;
  }
  const match = matchTemplate(draft, state.templates, {});
  if (!match || byId('draft-text').textContent !== draft) return;
  const tpl = match.template as ListedTemplate;
  button.textContent = t('sidebar.draft.asTemplate', { name: tpl.name });
  button.onclick = () => chooseTemplate(tpl, match.values);
  button.hidden = false;
}

/** Opens the picker (the sidebar does so by itself when a template is required). */
export async function showPicker(focus = true): Promise<void> {
  byId('picker').hidden = false;
  byId<HTMLButtonElement>('open-templates').setAttribute('aria-expanded', 'true');
  try {
    await loadTemplates();
    // The customer may have changed since the list was drawn (language, username-only customers).
    renderTemplateList();
  } catch (error) {
    byId('template-count').textContent = describeError(error);
  }
  updateSendTemplate();
  if (focus) byId('template-search').focus();
}

export function hidePicker(): void {
  byId('picker').hidden = true;
  byId('template-form').hidden = true;
  byId('template-choices').hidden = false;
  state.form = null;
  byId<HTMLButtonElement>('open-templates').setAttribute('aria-expanded', 'false');
}

/** The customer or the typed number changed: refresh what Send says. */
export function refreshPicker(): void {
  if (!byId('picker').hidden) updateSendTemplate();
}

export function wirePicker(pickerHost: PickerHost, canClose: () => boolean): void {
  host = pickerHost;
  byId('open-templates').addEventListener('click', () => void showPicker());
  const relist = debounce(renderTemplateList, 120);
  byId('template-search').addEventListener('input', relist);
  byId('template-language').addEventListener('change', renderTemplateList);
  byId('template-category').addEventListener('change', renderTemplateList);
  byId('cancel-template').addEventListener('click', backToList);
  // Escape: from the form back to the list; from the list, closed again when the agent opened it by choice.
  byId('picker').addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    if (!byId('template-form').hidden) {
      e.preventDefault();
      backToList();
    } else if (canClose()) {
      e.preventDefault();
      hidePicker();
      byId('open-templates').focus();
    }
  });
  byId('template-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = state.form;
    if (!form?.valid || host.sendBlocker()) return;
    const ok = await host.send(
      {
        type: 'template',
        templateId: form.template.id,
        values: form.values,
        ...(form.headerMediaUrl ? { headerMediaUrl: form.headerMediaUrl } : {}),
      },
      byId<HTMLButtonElement>('send-template'),
      byId('template-error'),
    );
    if (ok) backToList();
    else updateSendTemplate();
  });
}
