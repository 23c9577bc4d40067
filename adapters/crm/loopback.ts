// The OAuth calls refuse plain http (adapters/shared/oauth-token.ts); local mode and tests run the CRM simulators
// on loopback. One rule for both CRMs: http is allowed only for a loopback host, never for anything that could
// leave the machine.
export function isLoopbackHttp(url: string): boolean {
  const u = new URL(url);
  return (
    u.protocol === 'http:' &&
    (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]')
  );
}
