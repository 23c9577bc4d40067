// CRM Delivery URL calls (messages a CRM asked us to send) waiting for the queue: table crm_deliveries
// (migrations/0002_highlevel.sql). SQL stays in src/store.
import { randomId } from '../security/encoding';

export interface DeliveryPayload {
  /** Customer phone as the CRM sent it (normalized by the job, which can report a bad one back). */
  phone: string;
  text: string;
  attachments: string[];
  crmContactId: string;
  userId?: string;
}

export interface StoredDelivery {
  id: string;
  installationId: string;
  crmMessageId: string;
  payload: DeliveryPayload;
  state: 'queued' | 'done';
  outcome: string | null;
  createdAt: number;
}

interface DeliveryRow {
  id: string;
  installation_id: string;
  crm_message_id: string;
  payload: string;
  state: 'queued' | 'done';
  outcome: string | null;
  created_at: number;
}

const toDelivery = (r: DeliveryRow): StoredDelivery => ({
  id: r.id,
  installationId: r.installation_id,
  crmMessageId: r.crm_message_id,
  payload: JSON.parse(r.payload) as DeliveryPayload,
  state: r.state,
  outcome: r.outcome,
  createdAt: r.created_at,
});

export class CrmDeliveryStore {
  constructor(private readonly db: D1Database) {}

  /** Stores a delivery once per (installation, the CRM's message id); null when it is a duplicate. */
  async insert(
    installationId: string,
    crmMessageId: string,
    payload: DeliveryPayload,
    now: number,
  ): Promise<string | null> {
    const row = await this.db
      .prepare(
        `INSERT INTO crm_deliveries (id, installation_id, crm_message_id, payload, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT DO NOTHING RETURNING id`,
      )
      .bind(randomId('dlv'), installationId, crmMessageId, JSON.stringify(payload), now)
      .first<{ id: string }>();
    return row?.id ?? null;
  }

  async get(id: string): Promise<StoredDelivery | null> {
    const row = await this.db
      .prepare('SELECT * FROM crm_deliveries WHERE id = ?')
      .bind(id)
      .first<DeliveryRow>();
    return row ? toDelivery(row) : null;
  }

  async finish(id: string, outcome: string, now: number): Promise<void> {
    await this.db
      .prepare("UPDATE crm_deliveries SET state = 'done', outcome = ?1, updated_at = ?2 WHERE id = ?3")
      .bind(outcome, now, id)
      .run();
  }

  async count(installationId: string): Promise<number> {
    const row = await this.db
      .prepare('SELECT COUNT(*) AS n FROM crm_deliveries WHERE installation_id = ?')
      .bind(installationId)
      .first<{ n: number }>();
    return row?.n ?? 0;
  }
}
