/**
 * Test fakes name themselves in the process's egress allow-list (connectors/egress) while they
 * listen, as an operator names a vendor's mock: `127.0.0.1:<port>`, that port only, never all of
 * loopback. Connectors therefore reach a fake and nothing else on the machine.
 */
import type { AddressInfo } from 'node:net';
import { allowEgressTo } from '../../connectors/egress/egress-policy';

/** Allows the listening server's own address; call the result when the server stops. */
export function allowListeningServer(server: { address(): AddressInfo | string | null }): () => void {
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('allowListeningServer: the server is not listening on a TCP port');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return allowEgressTo(`${host}:${address.port}`);
}
