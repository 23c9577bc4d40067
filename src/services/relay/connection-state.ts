// Whether a connection may send, in one place for every path that sends (API, sidebar, HighLevel Delivery URL,
// campaigns, the send job). A disabled connection (the app was uninstalled, or its credentials were removed) is
// refused at once with 409 `connection_disabled`: nothing is stored as `sending` that could never leave.
import { providerModule } from '../../../adapters/providers/registry';
import { AppError } from '../../core/errors';
import type { ProviderErrorInfo } from '../../core/message';
import type { Connection } from '../../store/connections';

export function connectionDisabledReason(connection: Pick<Connection, 'senderPhone'>): string {
  return (
    `The WhatsApp number ${connection.senderPhone} is disabled (the app was uninstalled or its credentials ` +
    'were removed): an admin has to reconnect it with its credentials in the WhatsApp admin page.'
  );
}

export function isSendable(connection: Pick<Connection, 'status' | 'hasCredentials' | 'verified'>): boolean {
  return connection.status === 'active' && connection.hasCredentials && connection.verified;
}

/** A number waiting for its one-time code (a provider whose module proves senders that way, connection-proof.ts). */
export function connectionUnverifiedReason(connection: Pick<Connection, 'senderPhone' | 'provider'>): string {
  const provider = providerModule(connection.provider).label;
  return (
    `The WhatsApp number ${connection.senderPhone} is not proven to belong to these ${provider} credentials yet: ` +
    'an admin has to send its one-time code (Verify in the WhatsApp admin page) before it can send.'
  );
}

/** Throws 409 `connection_unverified` / `connection_disabled` unless the connection can send. */
export function assertSendable(connection: Connection): void {
  if (connection.status === 'active' && !connection.verified) {
    throw new AppError('connection_unverified', connectionUnverifiedReason(connection), {
      connectionId: connection.id,
    });
  }
  if (!isSendable(connection)) {
    throw new AppError('connection_disabled', connectionDisabledReason(connection), {
      connectionId: connection.id,
    });
  }
}

/** The failure recorded on a message that could not be sent because its connection is disabled. */
export function connectionDisabledError(connection: Pick<Connection, 'senderPhone'>): ProviderErrorInfo {
  return { kind: 'connection_disabled', reason: connectionDisabledReason(connection) };
}
