// The reply area: free text while the window is open, with its character counter and the reason Send is
// disabled; once a template is required it gives way to the picker at the top (one sentence why), keeping the
// agent's unsent draft to copy.
import { byId } from './dom';
import { templateRequired, type WindowTone } from './format';
import { formatNumber, t } from './i18n';
import { hidePicker, offerDraftTemplate, showPicker } from './picker';

/** WhatsApp's limit for a text message body (Cloud API `text.body`: 4096 characters). */
export const TEXT_MAX = 4096;

export interface ComposerView {
  /** null: no customer shown yet. */
  tone: WindowTone | null;
  /** The phone field holds another number than the customer shown. */
  numberPending: boolean;
}

let shownTone: WindowTone | null | undefined;

function counter(): void {
  const length = byId<HTMLTextAreaElement>('message-text').value.length;
  const el = byId('message-counter');
  el.textContent = t('sidebar.reply.counter', { count: formatNumber(length), max: formatNumber(TEXT_MAX) });
  el.dataset.tone = length > TEXT_MAX * 0.9 ? 'warn' : '';
}

/** Why Send is disabled, or '' when it may send. */
export function sendBlocker(view: ComposerView): string {
  if (view.tone === null) return t('sidebar.reply.noCustomer');
  if (view.numberPending) return t('sidebar.reply.numberPending');
  if (templateRequired(view.tone)) return '';
  if (byId<HTMLTextAreaElement>('message-text').value.trim() === '') return t('sidebar.reply.writeFirst');
  return '';
}

export function renderComposer(view: ComposerView): void {
  counter();
  const required = view.tone !== null && templateRequired(view.tone);
  const textarea = byId<HTMLTextAreaElement>('message-text');
  byId('composer').dataset.state = view.tone ?? 'none';
  textarea.disabled = required;
  byId('reply').hidden = required;
  const blocker = sendBlocker(view);
  byId<HTMLButtonElement>('send-text').disabled = required || blocker !== '';
  byId('send-reason').textContent = blocker;
  byId('composer-hint').textContent = view.tone !== null && !required ? t('sidebar.reply.openHint') : '';

  // The sentence why is the picker's visible heading then (its h2 stays for screen readers): room in small panels.
  byId('picker').dataset.required = String(required);
  const reason = byId('picker-reason');
  reason.hidden = !required;
  reason.textContent = required
    ? t(view.tone === 'none' ? 'sidebar.reply.neverHint' : 'sidebar.reply.closedHint')
    : '';
  // A draft typed before the window closed stays readable and can be copied (it cannot be sent as free text).
  const draft = textarea.value.trim();
  byId('draft').hidden = !(required && draft);
  const shownDraft = required ? draft : '';
  if (byId('draft-text').textContent !== shownDraft) {
    byId('draft-text').textContent = shownDraft;
    void offerDraftTemplate(shownDraft);
  }

  if (view.tone !== shownTone) {
    if (required) void showPicker(false);
    else if (shownTone !== undefined && shownTone !== null && templateRequired(shownTone)) hidePicker();
    shownTone = view.tone;
  }
  if (view.tone === null) hidePicker();
}

/** Another customer: the picker is opened afresh for them (their language, their unavailable categories). */
export function resetComposer(): void {
  shownTone = undefined;
  byId('composer-error').textContent = '';
  byId('composer-status').textContent = '';
}

export function wireComposer(onChange: () => void): void {
  byId('message-text').addEventListener('input', () => {
    byId('composer-error').textContent = '';
    byId('composer-status').textContent = '';
    onChange();
  });
  byId('copy-draft').addEventListener('click', async () => {
    const text = byId('draft-text').textContent ?? '';
    try {
      await navigator.clipboard.writeText(text);
      byId('status').hidden = false;
      byId('status').dataset.tone = 'ok';
      byId('status').textContent = t('sidebar.draft.copied');
    } catch {
      // No clipboard permission (some CRM frames): select the text so the agent can copy it by hand.
      const range = document.createRange();
      range.selectNodeContents(byId('draft-text'));
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
    }
  });
}
