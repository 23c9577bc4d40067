// Whether a connection may send, in one place for every path that sends (API, sidebar, HighLevel Delivery URL,
// campaigns, the send job). A disabled connection (the app was uninstalled, or its credentials were removed) is
// refused at once with 409 `connection_disabled`: nothing is stored as `sending` that could never leave.
import { AppError } from '../core/errors';
import type { ProviderErrorInfo } from '../core/message';
import type { Connection } from '../store/connections';

export function connectionDisabledReason(connection: Pick<Connection, 'senderPhone'>): string {
  return (
    `The WhatsApp number ${connection.senderPhone} is disabled (the app was uninstalled or its credentials ` +
    'were removed): an admin has to reconnect it with its credentials in the WhatsApp admin page.'
  );
}

export function isSendable(connection: Pick<Connection, 'status' | 'hasCredentials'>): boolean {
  return connection.status === 'active' && connection.hasCredentials;
}

/** Throws 409 `connection_disabled` unless the connection can send. */
export function assertSendable(connection: Connection): void {
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
