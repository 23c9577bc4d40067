// Items of signed provider batches that could not be read (issue 11 item 4): kept with their raw payload so support
// can see what arrived, while the rest of the batch was stored and acknowledged.
import { randomId } from '../security/encoding';

export interface UnreadableItem {
  id: string;
  provider: string;
  connectionId: string | null;
  routingKey: string | null;
  providerMessageId: string | null;
  reason: string;
  raw: string;
  occurredAt: number;
  receivedAt: number;
}

interface Row {
  id: string;
  provider: string;
  connection_id: string | null;
  routing_key: string | null;
  provider_message_id: string | null;
  reason: string;
  raw: string;
  occurred_at: number;
  received_at: number;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export class UnreadableItemStore {
  constructor(private readonly db: D1Database) {}

  /** Stores the item once (a redelivered batch finds its fingerprint); true when it is new. */
  async add(item: Omit<UnreadableItem, 'id' | 'receivedAt'>, now: number): Promise<boolean> {
    const fingerprint = await sha256Hex(`${item.provider}\n${item.routingKey ?? ''}\n${item.raw}`);
    const result = await this.db
      .prepare(
        `INSERT INTO unreadable_webhook_items (id, provider, connection_id, routing_key, provider_message_id, reason,
           raw, fingerprint, occurred_at, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (fingerprint) DO NOTHING`,
      )
      .bind(
        randomId('unr'),
        item.provider,
        item.connectionId,
        item.routingKey,
        item.providerMessageId,
        item.reason,
        item.raw,
        fingerprint,
        item.occurredAt,
        now,
      )
      .run();
    return result.meta.changes === 1;
  }

  async list(connectionIds: string[], limit = 100): Promise<UnreadableItem[]> {
    const { results } = await this.db
      .prepare(
        `SELECT * FROM unreadable_webhook_items WHERE connection_id IN (SELECT value FROM json_each(?1))
         ORDER BY received_at DESC LIMIT ?2`,
      )
      .bind(JSON.stringify(connectionIds), limit)
      .all<Row>();
    return results.map((r) => ({
      id: r.id,
      provider: r.provider,
      connectionId: r.connection_id,
      routingKey: r.routing_key,
      providerMessageId: r.provider_message_id,
      reason: r.reason,
      raw: r.raw,
      occurredAt: r.occurred_at,
      receivedAt: r.received_at,
    }));
  }
}
