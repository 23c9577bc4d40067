// Campaign preflight (issue 7, DESIGN.md §3.5): before anything is sent, say who will get the template, who will
// not and why, what it should cost, and whether the sender's messaging tier has room.
import type { AppContext } from '../../context';
import { isUserIdAddress, phoneRequiredReason } from '../../core/customer-id';
import { normalizePhone } from '../../core/phone';
import { estimateCost, classifySend, type CostEstimate } from '../../core/pricing';
import { validateValues } from '../../core/template-render';
import { EMPTY_SUMMARY, FREE_ENTRY_POINT_MS, logEntryOf, WINDOW_MS, type LogEntry } from '../../core/window';
import type { TemplateCategory } from '../../core/template';
import { CampaignAudienceStore } from '../../store/campaign-audience';
import { MarketingPreferenceStore } from '../../store/marketing-preferences';
import type { LogRow, NewRecipient, OverTierPolicy } from '../../store/campaigns';
import type { Connection } from '../../store/connections';
import type { StoredTemplate } from '../../store/templates';
import type { RecipientInput } from './campaign-csv';
import { planTier, type TierPlan } from './campaign-tier';
import { bareProviderAdapter } from '../relay/providers';
import { classifyOptions, rateCard, summaryOfRow } from './rate-card';

export { DEFAULT_RATE_CARD, rateCard } from './rate-card';

const LIST_LIMIT = 100;

export interface Preflight {
  template: { id: string; name: string; language: string; category: TemplateCategory };
  rows: number;
  /** Unique valid E.164 numbers (after merging duplicates). */
  valid: number;
  /** Recipients that will be sent to. */
  sendable: number;
  duplicates: number;
  invalid: { count: number; rows: { row: number; input: string; reason: string }[] };
  /** `reasons`: the skip reason per listed phone (`opted_out: whatsapp` for a WhatsApp marketing stop). */
  optedOut: { count: number; phones: string[]; reasons: { phone: string; reason: string }[] };
  missingVariables: { count: number; rows: { row: number; phone: string; missing: string[] }[] };
  unusedColumns: string[];
  estimate: CostEstimate;
  tier: TierPlan;
  startAt: number;
}

export interface PreflightResult {
  preflight: Preflight;
  recipients: NewRecipient[];
}

const toLog = (rows: readonly LogRow[]): Map<string, LogEntry[]> => {
  const byContact = new Map<string, LogEntry[]>();
  for (const r of rows) {
    const list = byContact.get(r.contact_id) ?? [];
    list.push(logEntryOf(r));
    byContact.set(r.contact_id, list);
  }
  return byContact;
};

export async function preflightCampaign(
  ctx: AppContext,
  input: {
    connection: Connection;
    template: StoredTemplate;
    recipients: readonly RecipientInput[];
    unusedColumns: string[];
    startAt: number;
    policy: OverTierPolicy;
    defaultCountry?: string;
  },
): Promise<PreflightResult> {
  const { connection, template } = input;
  const store = new CampaignAudienceStore(ctx.db);
  const now = ctx.now();
  const invalid: Preflight['invalid'] = { count: 0, rows: [] };
  const missing: Preflight['missingVariables'] = { count: 0, rows: [] };
  const seen = new Set<string>();
  let duplicates = 0;
  const out: NewRecipient[] = [];

  // A recipient may be a BSUID (issue 11): a customer linked to a phone is addressed by that phone (and counted once
  // whichever of the two the file names); a phone-less one by the BSUID, where the template and provider allow it.
  const userIdAddresses = input.recipients.map((r) => r.phone.trim()).filter(isUserIdAddress);
  const linked = await store.addressesOfUserIds(connection.id, userIdAddresses);
  const providerReachesUserIds = bareProviderAdapter(ctx, connection.provider).capabilities.userIdRecipients;

  for (const r of input.recipients) {
    const typed = r.phone.trim();
    const phone: ReturnType<typeof normalizePhone> = isUserIdAddress(typed)
      ? { ok: true, e164: linked.get(typed) ?? typed }
      : normalizePhone(r.phone, input.defaultCountry);
    if (!phone.ok) {
      invalid.count++;
      if (invalid.rows.length < LIST_LIMIT)
        invalid.rows.push({ row: r.row, input: r.phone, reason: phone.reason });
      out.push({
        seq: r.row,
        phone: `invalid:${r.row}`,
        input: r.phone,
        name: r.name,
        variables: r.values,
        state: 'skipped',
        reason: `invalid_phone: ${phone.reason}`,
        sendAfter: null,
      });
      continue;
    }
    // Duplicates are merged into the first row that named the number.
    if (seen.has(phone.e164)) {
      duplicates++;
      continue;
    }
    seen.add(phone.e164);
    const phoneMissing = phoneRequiredReason({
      hasPhone: !isUserIdAddress(phone.e164),
      providerReachesUserIds,
      templateCategory: template.category,
    });
    if (phoneMissing) {
      invalid.count++;
      if (invalid.rows.length < LIST_LIMIT)
        invalid.rows.push({ row: r.row, input: r.phone, reason: 'phone_required' });
      out.push({
        seq: r.row,
        phone: phone.e164,
        input: r.phone,
        name: r.name,
        variables: r.values,
        state: 'skipped',
        reason: `phone_required: ${phoneMissing}`,
        sendAfter: null,
      });
      continue;
    }
    const problems = validateValues(template, r.values).filter((e) => e.code !== 'unexpected_value');
    if (problems.length) {
      missing.count++;
      const ids = problems.map((p) => p.variable);
      if (missing.rows.length < LIST_LIMIT)
        missing.rows.push({ row: r.row, phone: phone.e164, missing: ids });
      out.push({
        seq: r.row,
        phone: phone.e164,
        input: r.phone,
        name: r.name,
        variables: r.values,
        state: 'skipped',
        reason: `missing_variables: ${problems.map((p) => `${p.variable} (${p.code})`).join(', ')}`,
        sendAfter: null,
      });
      continue;
    }
    out.push({
      seq: r.row,
      phone: phone.e164,
      input: r.phone,
      name: r.name,
      variables: pickTemplateValues(template, r.values),
      state: 'pending',
      reason: null,
      sendAfter: input.startAt,
    });
  }

  // Opt-outs: STOP-style inbound keywords (contacts.opted_out_at), the admin's list (opt_outs) and, for a marketing
  // template only, the customer's marketing stop inside WhatsApp (marketing_preferences, issue 12 item 1).
  const phones = out.filter((r) => r.state === 'pending').map((r) => r.phone);
  const contacts = await store.findContacts(connection.id, phones);
  const adminList = await store.optOutList(connection.installationId);
  const stoppedMarketing =
    template.category === 'MARKETING'
      ? await new MarketingPreferenceStore(ctx.db).stoppedAmong(contacts.map((c) => c.id))
      : new Set<string>();
  const byPhone = new Map(contacts.map((c) => [c.phone, c]));
  const optedOut: Preflight['optedOut'] = { count: 0, phones: [], reasons: [] };
  for (const r of out) {
    if (r.state !== 'pending') continue;
    const contact = byPhone.get(r.phone);
    const source = adminList.has(r.phone)
      ? 'admin list'
      : contact?.opted_out_at
        ? 'customer asked to stop'
        : contact && stoppedMarketing.has(contact.id)
          ? 'whatsapp'
          : null;
    if (!source) continue;
    r.state = 'skipped';
    r.reason = `opted_out: ${source}`;
    r.sendAfter = null;
    optedOut.count++;
    if (optedOut.phones.length < LIST_LIMIT) {
      optedOut.phones.push(r.phone);
      optedOut.reasons.push({ phone: r.phone, reason: r.reason });
    }
  }

  const sendable = out.filter((r) => r.state === 'pending');
  const logs = toLog(
    await store.recentLogs(
      sendable.flatMap((r) => byPhone.get(r.phone)?.id ?? []),
      now - FREE_ENTRY_POINT_MS - WINDOW_MS,
    ),
  );
  const rates = rateCard(ctx);
  const estimate = estimateCost(
    sendable.map((r) => {
      const contact = byPhone.get(r.phone);
      return classifySend(
        (contact && logs.get(contact.id)) || [],
        { kind: 'template', category: template.category },
        now,
        classifyOptions(
          rates,
          contact ? summaryOfRow(contact) : EMPTY_SUMMARY,
          r.phone,
          connection.senderPhone,
        ),
      );
    }),
    rates,
  );

  const tier = await planTier(ctx, store, connection, sendable, input.startAt, input.policy, now);
  return {
    preflight: {
      template: {
        id: template.id,
        name: template.name,
        language: template.language,
        category: template.category,
      },
      rows: input.recipients.length,
      valid: seen.size,
      sendable: sendable.length,
      duplicates,
      invalid,
      optedOut,
      missingVariables: missing,
      unusedColumns: input.unusedColumns,
      estimate,
      tier,
      startAt: input.startAt,
    },
    recipients: out,
  };
}

/** Keeps the values the template uses (extra columns are reported as unused, not sent). */
function pickTemplateValues(
  template: StoredTemplate,
  values: Record<string, string>,
): Record<string, string> {
  const ids = new Set(template.variables.map((v) => v.id));
  return Object.fromEntries(Object.entries(values).filter(([id]) => ids.has(id)));
}
