// Coexistence marks (migration 0018): a message's origin in the WhatsApp Business app, and the connection's flag
// that its number is shared with the app (learned from the webhooks, or set by an admin).

/** Statements batched after a message's insert: they apply only if the insert happened. */
export function coexistenceStatements(
  db: D1Database,
  messageId: string,
  source: 'echo' | 'history',
  connectionId: string,
  now: number,
): D1PreparedStatement[] {
  return [
    db.prepare('UPDATE messages SET coexistence = ?2 WHERE id = ?1').bind(messageId, source),
    db
      .prepare(
        `UPDATE connections SET coexistence_at = ?2, coexistence_source = 'webhook', updated_at = ?2
         WHERE id = ?1 AND coexistence_at IS NULL AND EXISTS (SELECT 1 FROM messages WHERE id = ?3)`,
      )
      .bind(connectionId, now, messageId),
  ];
}

/** The admin says the number is (or is no longer) shared with the WhatsApp Business app. */
export async function setConnectionCoexistence(
  db: D1Database,
  connectionId: string,
  enabled: boolean,
  now: number,
): Promise<void> {
  await db
    .prepare(
      `UPDATE connections SET coexistence_at = CASE WHEN ?2 THEN COALESCE(coexistence_at, ?3) END,
         coexistence_source = CASE WHEN ?2 THEN 'admin' END, updated_at = ?3 WHERE id = ?1`,
    )
    .bind(connectionId, enabled ? 1 : 0, now)
    .run();
}
