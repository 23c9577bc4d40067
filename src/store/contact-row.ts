// A row of the contacts table as D1 returns it (`phone` holds the address: migrations/0010_customer_ids.sql). Apart
// from contacts.ts, which maps it to a Contact, so that contact-identity.ts (which merges rows) imports nothing back
// from contacts.ts (no import cycle).
export interface ContactRow {
  id: string;
  connection_id: string;
  phone: string;
  user_id: string | null;
  parent_user_id: string | null;
  username: string | null;
  name: string | null;
  crm_contact_id: string | null;
  crm_conversation_id: string | null;
  last_inbound_at: number | null;
  free_entry_point_until: number | null;
  referral_at: number | null;
  opted_in_at: number | null;
  opted_out_at: number | null;
  created_at: number;
}
