// The simulator's own number (its WABA, phone number id and token) as a stored connection of ours, the way tests and
// benches connect it: `connections.create(metaSimConnection(installationId, { label, … }), now)`.
import type { NewConnection } from '../../../src/store/connections';
import { META_SIM_DEFAULTS } from './meta-simulator';

/** The simulator number's credentials, the Graph version pinned to v23.0 (without one, META_GRAPH_API_VERSION). */
export const META_SIM_CREDENTIALS = {
  accessToken: META_SIM_DEFAULTS.accessToken,
  wabaId: META_SIM_DEFAULTS.wabaId,
  phoneNumberId: META_SIM_DEFAULTS.phoneNumberId,
  apiVersion: 'v23.0',
} as const;

/** A Meta connection of the simulator's number for `installationId`; `over` changes any field. */
export function metaSimConnection(installationId: string, over: Partial<NewConnection> = {}): NewConnection {
  return {
    installationId,
    provider: 'meta',
    label: 'Meta',
    senderPhone: '+15550783881',
    routingKey: META_SIM_DEFAULTS.phoneNumberId,
    providerAccountId: META_SIM_DEFAULTS.wabaId,
    credentials: META_SIM_CREDENTIALS,
    ...over,
  };
}
