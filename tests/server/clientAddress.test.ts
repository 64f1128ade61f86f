/** Which address a per-address limit counts: the peer, or what a trusted proxy says the client was. */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddressOf, trustedProxiesFromEnv } from '../../src/server/http/clientAddress';

const req = (peer: string, forwarded?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as IncomingMessage;

describe('client address for per-address limits', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    const of = clientAddressOf([]);
    expect(of(req('203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
  });

  it('behind a trusted proxy, is the right-most forwarded address that is not a trusted proxy', () => {
    const of = clientAddressOf(['10.0.0.2', '10.0.0.3']);
    expect(of(req('10.0.0.2', '198.51.100.7'))).toBe('198.51.100.7');
    // A client that forges entries on the left is not believed: the proxy appended the real one.
    expect(of(req('10.0.0.2', '1.1.1.1, 198.51.100.7'))).toBe('198.51.100.7');
    // Two proxies in a chain.
    expect(of(req('10.0.0.2', '198.51.100.7, 10.0.0.3'))).toBe('198.51.100.7');
    // A trusted proxy that sent no header: its own address.
    expect(of(req('10.0.0.2'))).toBe('10.0.0.2');
  });

  it('reads the trusted proxies from UNDERGRID_TRUSTED_PROXIES', () => {
    expect(trustedProxiesFromEnv({ UNDERGRID_TRUSTED_PROXIES: ' 10.0.0.2, 10.0.0.3 ,' })).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(trustedProxiesFromEnv({})).toEqual([]);
  });
});
