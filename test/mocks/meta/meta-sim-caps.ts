// Meta's per-user marketing limit (error 131049, "frequency capping"; vendors/whatsapp-2026.md §1.3) as the
// simulator plays it: a marketing template to a capped customer is accepted by the send call and then reported
// `failed` with 131049 in its status webhook, as Meta does (docs.quickreply.ai …/recover-failed-messages…);
// utility and authentication templates are never capped.
import type { createMetaSimulator } from './meta-simulator';
import { metaStatusError } from './meta-webhooks';

type MetaSimulator = ReturnType<typeof createMetaSimulator>;

/** The error item of Meta's status webhook for a capped marketing message. */
export const META_CAP_ERROR = metaStatusError(
  131049,
  'This message was not delivered to maintain healthy ecosystem engagement.',
  'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
);

export class MetaFrequencyCaps {
  private readonly until = new Map<string, number>();

  constructor(private readonly sim: MetaSimulator) {}

  /** The customer (phone, any format) receives no marketing template delivered before `untilMs`. */
  cap(phone: string, untilMs: number): void {
    this.until.set(phone.replace(/\D/g, ''), untilMs);
  }

  /** Whether an accepted message is capped when Meta delivers it at `now` (a marketing template, customer capped). */
  isCapped(messageId: string, now: number): boolean {
    const sent = this.sim.state.sent.find((m) => m.id === messageId);
    if (!sent || sent.type !== 'template') return false;
    const name = (sent.body.template as { name?: string } | undefined)?.name;
    const template = this.sim.state.templates.find((t) => t.name === name);
    if (template?.category.toUpperCase() !== 'MARKETING') return false;
    return now < (this.until.get(sent.to) ?? 0);
  }

  /** The status webhook Meta sends next for an accepted message: `failed` 131049 when capped, else `delivered`. */
  outcomeWebhook(messageId: string, now: number) {
    return this.isCapped(messageId, now)
      ? this.sim.statusWebhook(messageId, 'failed', { errors: [META_CAP_ERROR], timestampMs: now })
      : this.sim.statusWebhook(messageId, 'delivered', { timestampMs: now });
  }
}
