/**
 * The address of the client behind a request, for per-address limits (sign-in, receipt lookups).
 * The socket's peer, unless that peer is a proxy the operator trusts (UNDERGRID_TRUSTED_PROXIES,
 * comma-separated addresses): then the right-most X-Forwarded-For entry that is not itself a
 * trusted proxy. Entries further left are written by the client and never believed.
 */
import type { IncomingMessage } from 'node:http';

export type ClientAddress = (req: IncomingMessage) => string;

export function trustedProxiesFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env['UNDERGRID_TRUSTED_PROXIES'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export function clientAddressOf(trustedProxies: readonly string[]): ClientAddress {
  const trusted = new Set(trustedProxies);
  return (req) => {
    const peer = req.socket.remoteAddress ?? 'unknown';
    if (!trusted.has(peer)) return peer;
    const forwarded = String(req.headers['x-forwarded-for'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (let i = forwarded.length - 1; i >= 0; i--) if (!trusted.has(forwarded[i]!)) return forwarded[i]!;
    return peer;
  };
}
