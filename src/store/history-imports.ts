// Coexistence history chunks kept raw until imported (migration 0026), and where each number's history share is.
// A chunk is written once when its webhook arrives; an import job pages through its items (cursor), and the outbox
// sweep re-enqueues an import that stopped moving (a crash, a lost queue message).

export interface HistoryImportRow {
  id: string;
  connection_id: string;
  raw: string;
  cursor: number;
  total: number | null;
  done_at: number | null;
}

export interface HistoryChunkMark {
  phase?: number | undefined;
  chunkOrder?: number | undefined;
  progress?: number | undefined;
  declined?: { code: number; reason: string } | undefined;
}

export class HistoryImportStore {
  constructor(private readonly db: D1Database) {}

  /** The chunk, once per connection and content (a redelivered webhook inserts nothing): RETURNING id if new. */
  insertStatement(
    row: {
      id: string;
      connectionId: string;
      digest: string;
      phase?: number | undefined;
      chunkOrder?: number | undefined;
      raw: string;
    },
    now: number,
  ): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO history_imports (id, connection_id, digest, phase, chunk_order, raw, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) ON CONFLICT DO NOTHING RETURNING id`,
      )
      .bind(row.id, row.connectionId, row.digest, row.phase ?? null, row.chunkOrder ?? null, row.raw, now);
  }

  /**
   * The number's share state: phase and chunk order of the latest chunk (chunks arrive in any order), the highest
   * progress seen, a declined share with its code; and the number is known to be shared with the app.
   */
  markStatement(connectionId: string, mark: HistoryChunkMark, now: number): D1PreparedStatement {
    const position = mark.phase === undefined ? null : mark.phase * 1_000_000 + (mark.chunkOrder ?? 0);
    return this.db
      .prepare(
        `UPDATE connections SET
           history_chunk_order = CASE WHEN ?2 IS NOT NULL AND (history_phase IS NULL
             OR ?2 >= history_phase * 1000000 + COALESCE(history_chunk_order, 0)) THEN ?4 ELSE history_chunk_order END,
           history_phase = CASE WHEN ?2 IS NOT NULL AND (history_phase IS NULL
             OR ?2 >= history_phase * 1000000 + COALESCE(history_chunk_order, 0)) THEN ?3 ELSE history_phase END,
           history_progress = CASE WHEN ?5 IS NULL THEN history_progress
             ELSE MAX(COALESCE(history_progress, 0), ?5) END,
           history_declined_code = COALESCE(?6, history_declined_code),
           history_declined_reason = CASE WHEN ?6 IS NULL THEN history_declined_reason ELSE ?7 END,
           history_declined_at = CASE WHEN ?6 IS NULL THEN history_declined_at ELSE ?8 END,
           history_updated_at = ?8,
           coexistence_source = CASE WHEN coexistence_at IS NULL THEN 'webhook' ELSE coexistence_source END,
           coexistence_at = COALESCE(coexistence_at, ?8),
           updated_at = ?8
         WHERE id = ?1`,
      )
      .bind(
        connectionId,
        position,
        mark.phase ?? null,
        mark.chunkOrder ?? null,
        mark.progress ?? null,
        mark.declined?.code ?? null,
        mark.declined?.reason ?? null,
        now,
      );
  }

  async get(id: string): Promise<HistoryImportRow | null> {
    return this.db
      .prepare('SELECT id, connection_id, raw, cursor, total, done_at FROM history_imports WHERE id = ?')
      .bind(id)
      .first<HistoryImportRow>();
  }

  /** Moves the cursor from where this job found it (a late duplicate job moves nothing); done at the end. */
  async advance(id: string, from: number, to: number, total: number, now: number): Promise<boolean> {
    const row = await this.db
      .prepare(
        `UPDATE history_imports SET cursor = ?3, total = ?4, updated_at = ?5,
           done_at = CASE WHEN ?3 >= ?4 THEN ?5 END, raw = CASE WHEN ?3 >= ?4 THEN '' ELSE raw END
         WHERE id = ?1 AND cursor = ?2 AND done_at IS NULL RETURNING id`,
      )
      .bind(id, from, to, total, now)
      .first<{ id: string }>();
    return row !== null;
  }

  /** Imports that stopped moving (not touched since `dueBefore`): touched now and returned, to be re-enqueued. */
  async sweep(dueBefore: number, now: number, limit: number): Promise<string[]> {
    const { results } = await this.db
      .prepare(
        `UPDATE history_imports SET updated_at = ?2 WHERE id IN (
           SELECT id FROM history_imports WHERE done_at IS NULL AND updated_at < ?1 ORDER BY updated_at LIMIT ?3)
         RETURNING id`,
      )
      .bind(dueBefore, now, limit)
      .all<{ id: string }>();
    return results.map((r) => r.id);
  }

  /** Chunks of a number not imported yet (shown with its history progress). */
  async openCount(connectionId: string): Promise<number> {
    const row = await this.db
      .prepare('SELECT COUNT(*) AS n FROM history_imports WHERE connection_id = ? AND done_at IS NULL')
      .bind(connectionId)
      .first<{ n: number }>();
    return row?.n ?? 0;
  }
}
