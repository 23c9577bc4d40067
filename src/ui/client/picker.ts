// The approved-template picker of the sidebar: searchable, filtered by language and category, then the
// template form (variables, media header, preview) and its send.
import { api, describeError } from './api';
import { announce, byId, clear, debounce, h } from './dom';
import { renderTemplateForm, type ListedTemplate, type TemplateFormState } from './template-form';

export interface PickerHost {
  connectionId(): string;
  contactName(): string | null;
  /** Categories the customer cannot receive: authentication templates need a phone (issue 11). */
  unavailableCategories(): string[];
  send(content: unknown, button: HTMLButtonElement): Promise<boolean>;
}

const state = {
  templates: [] as ListedTemplate[],
  templatesFor: '',
  form: null as TemplateFormState | null,
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
  clear(
    select,
    h('option', { value: '' }, 'All languages'),
    ...languages.map((l) => h('option', { value: l }, l)),
  );
  renderTemplateList();
}

function renderTemplateList(): void {
  const search = byId<HTMLInputElement>('template-search').value.trim().toLowerCase();
  const language = byId<HTMLSelectElement>('template-language').value;
  const category = byId<HTMLSelectElement>('template-category').value;
  const matches = state.templates.filter(
    (t) =>
      (!language || t.language === language) &&
      (!category || t.category === category) &&
      (!search || t.name.toLowerCase().includes(search) || t.components.body.toLowerCase().includes(search)),
  );
  const list = byId('template-list');
  clear(
    list,
    ...(matches.length
      ? matches.map((t) => {
          const unavailable = host.unavailableCategories().includes(t.category);
          return h(
            'li',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'template-choice',
                'data-template': t.name,
                ...(unavailable
                  ? { disabled: true, 'aria-disabled': 'true', 'data-unavailable': 'phone_required' }
                  : { onclick: () => chooseTemplate(t) }),
              },
              h('span', { class: 'name' }, t.name),
              h('span', { class: 'tags' }, `${t.language} · ${t.category.toLowerCase()}`),
              h('span', { class: 'snippet' }, t.components.body.slice(0, 90)),
              unavailable &&
                h(
                  'span',
                  { class: 'unavailable' },
                  'Unavailable: this customer uses a WhatsApp username and shares no phone number, which authentication templates need.',
                ),
            ),
          );
        })
      : [
          h(
            'li',
            { class: 'empty' },
            state.templates.length
              ? 'No template matches.'
              : 'No approved templates yet: ask an admin to sync them.',
          ),
        ]),
  );
  byId('template-count').textContent = `${matches.length} of ${state.templates.length} approved templates`;
}

function chooseTemplate(t: ListedTemplate): void {
  byId('template-form').hidden = false;
  byId('template-choices').hidden = true;
  byId('template-title').textContent = `${t.name} (${t.language})`;
  state.form = renderTemplateForm(t, host.contactName(), (s) => {
    state.form = s;
    byId<HTMLButtonElement>('send-template').disabled = !s.valid;
  });
  (byId('variables').querySelector('input') ?? byId('send-template')).focus();
}

function backToList(): void {
  byId('template-form').hidden = true;
  byId('template-choices').hidden = false;
  state.form = null;
  byId('template-search').focus();
}

/** Opens the picker (the sidebar does so by itself when the window is closed). */
export async function showPicker(focus = true): Promise<void> {
  byId('picker').hidden = false;
  byId<HTMLButtonElement>('open-templates').setAttribute('aria-expanded', 'true');
  try {
    await loadTemplates();
    // The customer may have changed since the list was drawn (a username customer cannot take authentication).
    renderTemplateList();
  } catch (error) {
    announce(describeError(error), 'error');
  }
  if (focus) byId('template-search').focus();
}

export function wirePicker(pickerHost: PickerHost): void {
  host = pickerHost;
  byId('open-templates').addEventListener('click', () => void showPicker());
  const relist = debounce(renderTemplateList, 120);
  byId('template-search').addEventListener('input', relist);
  byId('template-language').addEventListener('change', renderTemplateList);
  byId('template-category').addEventListener('change', renderTemplateList);
  byId('cancel-template').addEventListener('click', backToList);
  byId('template-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = state.form;
    if (!form?.valid) return;
    const ok = await host.send(
      {
        type: 'template',
        templateId: form.template.id,
        values: form.values,
        ...(form.headerMediaUrl ? { headerMediaUrl: form.headerMediaUrl } : {}),
      },
      byId<HTMLButtonElement>('send-template'),
    );
    if (ok) backToList();
    else byId<HTMLButtonElement>('send-template').disabled = !state.form?.valid;
  });
}
