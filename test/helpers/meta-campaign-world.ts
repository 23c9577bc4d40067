// The world the campaign tests share (campaign-bulk, campaign-chain-sweep, send-people-share): a HighLevel location
// with one Meta number pointing at the Meta simulator, and one APPROVED marketing template with two body variables,
// synced through the real template sync, so a campaign can be created against it at once.
import { AppContext } from '../../src/context';
import { syncTemplates } from '../../src/services/templates/template-sync';
import type { Connection } from '../../src/store/connections';
import type { Installation } from '../../src/store/installations';
import { metaSimConnection, type MetaSimulator } from '../mocks/meta';
import type { TestPlatform } from './platform';

export interface MetaCampaignWorld {
  ctx: AppContext;
  installation: Installation;
  connection: Connection;
  /** Our id of the synced `autumn_offer` template. */
  templateId: string;
}

export async function seedMetaCampaignWorld(
  t: TestPlatform,
  sim: MetaSimulator,
  options: { accountId: string; body?: string },
): Promise<MetaCampaignWorld> {
  const ctx = new AppContext(t.platform);
  const { installations, connections } = await ctx.secretStores();
  const installation = await installations.upsert(
    {
      crm: 'highlevel',
      accountId: options.accountId,
      accountType: 'location',
      tokens: { accessToken: 'a', refreshToken: 'r' },
      tokenExpiresAt: t.clock.now() + 3_600_000,
      scopes: [],
    },
    t.clock.now(),
  );
  const connection = await connections.create(metaSimConnection(installation.id), t.clock.now());
  sim.state.addTemplate({
    name: 'autumn_offer',
    language: 'en_US',
    status: 'APPROVED',
    category: 'MARKETING',
    components: [
      {
        type: 'BODY',
        text: options.body ?? 'Hi {{1}}, use code {{2}} for 20% off.',
        example: { body_text: [['Anna', 'FALL20']] },
      },
    ],
  });
  await syncTemplates(ctx, connection);
  const template = await t.db
    .prepare("SELECT id FROM templates WHERE name = 'autumn_offer' AND connection_id = ?")
    .bind(connection.id)
    .first<{ id: string }>();
  if (!template) throw new Error('the simulator template did not sync');
  return { ctx, installation, connection, templateId: template.id };
}
