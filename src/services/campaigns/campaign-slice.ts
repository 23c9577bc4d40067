// One slice of a campaign chain (campaign-runner.ts): contacts, pricing class and `sending` message rows for the
// claimed recipients in a few batched statements, then the paced sends, each ending in one SendOutcome.
import type { ProviderAdapter } from '../../../adapters/providers/types';
import type { AppContext } from '../../context';
import type { MessageContent } from '../../core/message';
import { classifySend } from '../../core/pricing';
import { classifyOptions, rateCard, summaryOfRow } from './rate-card';
import { applyStatus } from '../../core/status';
import { FREE_ENTRY_POINT_MS, logEntryOf, WINDOW_MS } from '../../core/window';
import type { CampaignAudienceStore } from '../../store/campaign-audience';
import type { CampaignSendStore } from '../../store/campaign-sends';
import type { Campaign, CampaignStore, ClaimedRecipient, SendOutcome } from '../../store/campaigns';
import type { Connection } from '../../store/connections';
import type { StoredTemplate } from '../../store/templates';
import { MarketingPreferenceStore } from '../../store/marketing-preferences';
import { WHATSAPP_OPT_OUT_REASON } from '../relay/marketing-preferences';
import { CAMPAIGN_SEND_RETRY, campaignTuning } from './campaign-pacing';
import { mayRetry, retryDelayMs } from '../../platform/retry-policy';
import { prepareTemplateContent } from '../relay/relay-outbound';
import { errorInfo, outboundMessage, sendOne } from '../relay/send-one';
import { reserveCampaignSend } from '../relay/send-pacing';

export interface SliceContext {
  store: CampaignStore;
  sends: CampaignSendStore;
  audience: CampaignAudienceStore;
  campaign: Campaign;
  connection: Connection;
  template: StoredTemplate;
  adapter: ProviderAdapter;
  /** Set when the provider refused the sender itself (auth): the campaign pauses with this reason. */
  halt: string | null;
  /** The wait of the slot reserved before claiming, used by the slice's first send. */
  firstWait: number | null;
  /** Set once the slice's messages are `sending`: from then on a failure is left to the lease recovery. */
  started: boolean;
  /**
   * Until when the provider told this sender to hold (a throughput 429 in this slice). Slots the slice's workers
   * reserved before it are not used: those recipients go back to the queue for after the hold.
   */
  holdUntil?: number;
}

interface Prepared {
  recipient: ClaimedRecipient;
  content: Extract<MessageContent, { type: 'template' }>;
}

/** Contacts, classification and message rows for the slice; then the paced sends. */
export async function sendSlice(
  ctx: AppContext,
  s: SliceContext,
  claimed: ClaimedRecipient[],
): Promise<SendOutcome[]> {
  const now = ctx.now();
  const contacts = await s.audience.ensureContacts(
    s.campaign.installationId,
    s.connection.id,
    claimed.map((r) => ({ phone: r.phone, name: r.name })),
    now,
  );
  const byPhone = new Map(contacts.map((c) => [c.phone, c]));
  const logs = await s.audience.recentLogs(
    contacts.map((c) => c.id),
    now - FREE_ENTRY_POINT_MS - WINDOW_MS,
  );
  // Each recipient's log, grouped once (not one filter over every log per recipient).
  const logsByContact = new Map<string, (typeof logs)[number][]>();
  for (const l of logs) {
    const own = logsByContact.get(l.contact_id);
    if (own) own.push(l);
    else logsByContact.set(l.contact_id, [l]);
  }
  // A marketing stop inside WhatsApp may have arrived since the preflight (issue 12 item 1); marketing only.
  const stoppedMarketing =
    s.template.category === 'MARKETING'
      ? await new MarketingPreferenceStore(ctx.db).stoppedAmong(contacts.map((c) => c.id))
      : new Set<string>();
  const rates = rateCard(ctx);
  const prepared: Prepared[] = [];
  const skipped: { recipientId: string; reason: string }[] = [];
  const messages = [];
  for (const recipient of claimed) {
    const contact = byPhone.get(recipient.phone)!;
    // Opt-outs are checked again at send time: a STOP may have arrived since the preflight.
    if (contact.opted_out_at || contact.listed) {
      skipped.push({ recipientId: recipient.id, reason: 'opted_out: since the campaign was created' });
      continue;
    }
    if (stoppedMarketing.has(contact.id)) {
      skipped.push({ recipientId: recipient.id, reason: WHATSAPP_OPT_OUT_REASON });
      continue;
    }
    let content: Prepared['content'];
    try {
      content = prepareTemplateContent(s.template, {
        type: 'template',
        templateId: s.template.id,
        templateName: s.template.name,
        language: s.template.language,
        values: recipient.variables,
        ...(s.campaign.headerMediaUrl ? { headerMediaUrl: s.campaign.headerMediaUrl } : {}),
      });
    } catch (error) {
      skipped.push({ recipientId: recipient.id, reason: `template_mismatch: ${(error as Error).message}` });
      continue;
    }
    const log = (logsByContact.get(contact.id) ?? []).map(logEntryOf);
    const classification = classifySend(
      log,
      { kind: 'template', category: s.template.category },
      now,
      classifyOptions(rates, summaryOfRow(contact), contact.phone, s.connection.senderPhone),
    );
    messages.push({
      id: recipient.messageId,
      contactId: contact.id,
      content: JSON.stringify(content),
      category: classification.category,
      billable: classification.billable ? 1 : 0,
    });
    prepared.push({ recipient, content });
  }
  const sendable = await s.sends.startSending(s.campaign.id, s.connection.id, messages, skipped, now);
  s.started = true;
  const outcomes: SendOutcome[] = [];
  // A message another execution already moved past `queued` is never sent again: report what it recorded.
  for (const p of prepared) {
    if (!sendable.has(p.recipient.messageId)) outcomes.push(alreadyHandled(p.recipient));
  }
  const queue = prepared.filter((p) => sendable.has(p.recipient.messageId));
  let releaseAt: number | null = null;
  const held = () => (s.holdUntil !== undefined && ctx.now() < s.holdUntil ? s.holdUntil : null);
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      if (releaseAt !== null || s.halt !== null || held() !== null) {
        outcomes.push(release(p.recipient, releaseAt ?? held() ?? ctx.now()));
        continue;
      }
      let wait = s.firstWait;
      s.firstWait = null;
      if (wait === null) {
        // A campaign's slot leaves the number's share for people (send-pacing.ts).
        const slot = await reserveCampaignSend(ctx, s.connection);
        if (!slot.granted) {
          // The provider asked us to back off, or people fill the bucket: hand the rest of the slice back, untouched.
          releaseAt = ctx.now() + slot.waitMs;
          outcomes.push(release(p.recipient, releaseAt));
          continue;
        }
        wait = slot.waitMs;
      }
      await ctx.sleep(wait);
      // A 429 may have arrived while this worker waited for its slot.
      const holdUntil = held();
      if (holdUntil !== null) {
        outcomes.push(release(p.recipient, holdUntil));
        continue;
      }
      outcomes.push(await sendRecipient(ctx, s, p));
    }
  };
  await Promise.all(Array.from({ length: Math.min(campaignTuning.concurrency, queue.length) }, worker));
  return outcomes;
}

function release(recipient: ClaimedRecipient, at: number): SendOutcome {
  return {
    recipientId: recipient.id,
    messageId: recipient.messageId,
    recipientState: 'pending',
    sendState: 'queued',
    status: null,
    statusTimes: null,
    providerMessageId: null,
    error: null,
    reason: null,
    sendAfter: at,
    attempted: 0,
  };
}

/** The message was claimed by an earlier execution that died after the request may have left. */
function alreadyHandled(recipient: ClaimedRecipient): SendOutcome {
  return {
    ...release(recipient, 0),
    recipientState: 'unknown',
    sendState: 'unknown',
    sendAfter: null,
    reason: 'The send was interrupted after it started; it may or may not have been delivered.',
  };
}

/** One recipient's send through the shared send path (send-one.ts), its answer as this slice's SendOutcome. */
async function sendRecipient(ctx: AppContext, s: SliceContext, p: Prepared): Promise<SendOutcome> {
  const { recipient } = p;
  const base = { ...release(recipient, 0), sendAfter: null, attempted: 1 as const };
  const outbound = outboundMessage(recipient.messageId, recipient.phone, p.content, s.template);
  const answer = await sendOne(ctx, s.adapter, s.connection.id, outbound);
  const now = ctx.now();
  if (answer.kind === 'accepted') {
    return {
      ...base,
      recipientState: 'sent',
      sendState: 'sent',
      status: answer.result.status,
      statusTimes: JSON.stringify(applyStatus({}, answer.result.status, now)),
      providerMessageId: answer.result.providerMessageId,
    };
  }
  const { error } = answer;
  const info = JSON.stringify(errorInfo(error));
  const failed = {
    ...base,
    sendState: 'failed' as const,
    status: 'failed' as const,
    statusTimes: JSON.stringify(applyStatus({}, 'failed', now)),
    error: info,
    reason: error.message,
  };
  switch (answer.kind) {
    case 'unknown':
      // Never resent blindly (DESIGN.md §3.5).
      return { ...base, recipientState: 'unknown', sendState: 'unknown', error: info, reason: error.message };
    case 'capped':
      // Not a failure of this recipient; campaign-caps.ts decides on a retry.
      return { ...failed, recipientState: 'sent', capped: true };
    case 'opted_out':
      // Not a plain failure: the customer's stop, which the preflight could not know yet; never retried.
      return { ...failed, recipientState: 'opted_out', reason: WHATSAPP_OPT_OUT_REASON, optedOut: true };
    case 'sender_refused':
      // The campaign pauses with the reason; this recipient waits for the resume, untouched.
      s.halt = error.message;
      return { ...release(recipient, now), error: info, reason: error.message, attempted: 1 };
    case 'retryable':
      // The sender's bucket is paused already (sendOne); the slots this slice reserved before wait for the hold too.
      if (answer.senderHoldUntil !== null) s.holdUntil = Math.max(s.holdUntil ?? 0, answer.senderHoldUntil);
      if (mayRetry(CAMPAIGN_SEND_RETRY, recipient.attempts)) {
        const sendAfter = now + retryDelayMs(CAMPAIGN_SEND_RETRY, recipient.attempts, answer.retryAfterMs);
        return {
          ...base,
          recipientState: 'pending',
          sendState: 'queued',
          error: info,
          reason: error.message,
          sendAfter,
        };
      }
      // Out of retries: this recipient only.
      return { ...failed, recipientState: 'failed' };
    case 'refused':
      // Permanent (invalid recipient, template mismatch, …): this recipient only.
      return { ...failed, recipientState: 'failed' };
  }
}
