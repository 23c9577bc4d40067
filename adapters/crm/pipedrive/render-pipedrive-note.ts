// A WhatsApp message as a readable Pipedrive note (HTML). The Messaging inbox is gone since 2026-02-01, so
// notes on the person (and deal) are where agents read the conversation (vendors/pipedrive.md §0).
// Only tags Pipedrive's note editor keeps (p, b, i, br, a) are used.
import type { MessageStatus } from '../../../src/core/message';
import type { CrmMarketingPreference, CrmMessageRecord } from '../types';
import { noteRef } from './find-logged-note';

// The same escaping as the WhatsApp preview: one implementation for every HTML we render.
export { escapeHtml } from '../../../src/core/template-preview';
import { escapeHtml } from '../../../src/core/template-preview';

const STATUS_LABEL: Record<MessageStatus, string> = {
  pending: '🕓 Pending',
  sent: '✓ Sent',
  delivered: '✓✓ Delivered',
  read: '✓✓ Read',
  failed: '⚠️ Failed',
};

const ORIGIN_LABEL: Record<CrmMessageRecord['origin'], string> = {
  crm: 'from Pipedrive',
  app: 'from the WhatsApp panel',
  campaign: 'by a campaign',
  customer: '',
};

/** "2026-01-02 10:00:05 UTC": ISO date and time, explicit about the zone. */
export function formatUtc(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function attachmentHtml(url: string): string {
  let name = url;
  let safe = false;
  try {
    const parsed = new URL(url);
    safe = parsed.protocol === 'https:' || parsed.protocol === 'http:';
    const last = parsed.pathname.split('/').filter(Boolean).pop();
    if (safe && last) name = decodeURIComponent(last);
  } catch {
    // not a URL (e.g. a provider media id) or a bad escape: shown as text
  }
  // Only http(s) becomes a link: a `javascript:` URL from a webhook must never be clickable in the CRM.
  return safe ? `<a href="${escapeHtml(url)}">${escapeHtml(name)}</a>` : escapeHtml(name);
}

export function renderStatusLine(record: Pick<CrmMessageRecord, 'status' | 'error'>): string {
  let line = `Status: ${STATUS_LABEL[record.status] ?? escapeHtml(String(record.status))}`;
  if (record.status === 'failed' && record.error) {
    const code = record.error.vendorCode ? ` (code ${escapeHtml(record.error.vendorCode)})` : '';
    line += ` — ${escapeHtml(record.error.reason)}${code}`;
  }
  return line;
}

export function renderPipedriveNote(record: CrmMessageRecord): string {
  // A username customer (issue 11) has no phone: their username and BSUID say who they are.
  const address =
    record.customerPhone ??
    [record.customerUsername ? `@${record.customerUsername}` : '', record.customerUserId ?? '']
      .filter(Boolean)
      .join(' · ');
  const who = record.customerName
    ? `${escapeHtml(record.customerName)} (${escapeHtml(address)})`
    : escapeHtml(address);
  // Typed in the WhatsApp Business app (coexistence): never "from the WhatsApp panel".
  const origin = record.coexistence ? 'from the WhatsApp Business app' : ORIGIN_LABEL[record.origin];
  const header =
    record.direction === 'inbound'
      ? `⬅️ WhatsApp received from ${who}`
      : `➡️ WhatsApp sent to ${who}${origin ? ` ${origin}` : ''}`;
  const parts = [`<p><b>${header}</b></p>`];
  if (record.text) parts.push(`<p>${escapeHtml(record.text).replace(/\r?\n/g, '<br>')}</p>`);
  if (record.attachments.length > 0) {
    parts.push(`<p>📎 ${record.attachments.map(attachmentHtml).join('<br>📎 ')}</p>`);
  }
  const meta = [formatUtc(record.occurredAt)];
  // A customer's edit or deletion (Meta edit / revoke): the note shows the message as it is now, and says so.
  if (record.deletedAt !== undefined)
    meta.push(
      `🗑 deleted ${record.direction === 'outbound' ? 'in the WhatsApp Business app' : 'by the customer'} ${formatUtc(record.deletedAt)}`,
    );
  else if (record.editedAt !== undefined) meta.push(`✏️ edited ${formatUtc(record.editedAt)}`);
  if (record.coexistence === 'history') meta.push('imported from the WhatsApp Business app history');
  if (record.senderPhone) {
    meta.push(`${record.direction === 'inbound' ? 'to' : 'from'} ${escapeHtml(record.senderPhone)}`);
  }
  // Statuses describe our outbound messages; a customer's message has arrived by definition.
  if (record.direction === 'outbound') meta.push(renderStatusLine(record));
  // Our message id, as plain text: how a retry recognises a note whose first POST lost its answer.
  meta.push(escapeHtml(noteRef(record.messageId)));
  parts.push(`<p><i>${meta.join(' · ')}</i></p>`);
  return parts.join('');
}

/** The customer's WhatsApp marketing stop / resume as a note (issue 12 item 1). */
export function marketingPreferenceNote(preference: CrmMarketingPreference): string {
  const when = escapeHtml(formatUtc(preference.at));
  // The change's reference, as plain text: how a retry recognises a note whose first POST lost its answer.
  const ref = `<p><i>${escapeHtml(noteRef(marketingPreferenceRef(preference)))}</i></p>`;
  return preference.stopped
    ? `<p><b>WhatsApp: marketing stopped</b></p><p>The customer stopped marketing messages inside WhatsApp on ${when}. ` +
        `Marketing campaigns skip them; utility and authentication messages still reach them.</p>${ref}`
    : `<p><b>WhatsApp: marketing resumed</b></p><p>The customer resumed marketing messages inside WhatsApp on ${when}.</p>${ref}`;
}

/** One change of one person's preference: its direction and time (a person's changes never share a time). */
export function marketingPreferenceRef(preference: CrmMarketingPreference): string {
  return `wa-marketing-${preference.stopped ? 'stop' : 'resume'}-${preference.at}`;
}
