// The one installation query only HighLevel needs (locations installed through an agency), under the name it had
// when it shared a class with the Delivery URL rows (those are crm-deliveries.ts now).
export class HighLevelDeliveryStore {
  constructor(private readonly db: D1Database) {}

  /** An agency's active rows that live on its token: the agency itself and locations minted from it (viaCompany). */
  async installationIdsOfCompany(companyId: string): Promise<string[]> {
    const { results } = await this.db
      .prepare(
        `SELECT id FROM installations WHERE crm = 'highlevel' AND status = 'active'
           AND ((account_type = 'company' AND account_id = ?1)
             OR (company_id = ?1 AND json_extract(settings, '$.viaCompany') = 1))`,
      )
      .bind(companyId)
      .all<{ id: string }>();
    return results.map((r) => r.id);
  }
}
