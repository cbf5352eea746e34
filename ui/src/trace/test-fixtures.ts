// Trace fixtures for unit tests (not part of the app bundle).
import type { Span } from '../model/span';

const edge = { serviceName: 'edge-server', ipv4: '10.0.0.1', port: 8765 };
const account = { serviceName: 'accountservice', ipv4: '10.0.0.2', port: 6767 };
const quotes = { serviceName: 'quotes-service', ipv4: '10.0.0.3', port: 8080 };
const images = { serviceName: 'imageservice', ipv4: '10.0.0.4', port: 7777 };

// The seed article's request: 32.4ms at the edge, of which quotes-service's getquote (BCrypt)
// takes 30ms. Client and server spans have their own ids, as cairn's tracer makes them.
export function landscapeTrace(t0 = 1_700_000_000_000_000): Span[] {
  const traceId = '5af7183fb1d4cf5f';
  return [
    { traceId, id: 'a1', kind: 'SERVER', name: 'get /api/accounts/{id}', timestamp: t0, duration: 32_400, localEndpoint: edge, tags: { 'http.method': 'GET', 'http.path': '/api/accounts/10000', 'http.status_code': '200' } },
    { traceId, id: 'a2', parentId: 'a1', kind: 'CLIENT', name: 'get', timestamp: t0 + 200, duration: 32_000, localEndpoint: edge, remoteEndpoint: { serviceName: 'accountservice' } },
    { traceId, id: 'a3', parentId: 'a2', kind: 'SERVER', name: 'getaccount', timestamp: t0 + 300, duration: 31_700, localEndpoint: account },
    { traceId, id: 'a4', parentId: 'a3', name: 'queryaccount', timestamp: t0 + 350, duration: 150, localEndpoint: account },
    { traceId, id: 'a5', parentId: 'a3', kind: 'CLIENT', name: 'getquote', timestamp: t0 + 600, duration: 30_500, localEndpoint: account, remoteEndpoint: { serviceName: 'quotes-service' } },
    { traceId, id: 'a6', parentId: 'a5', kind: 'SERVER', name: 'getquote', timestamp: t0 + 700, duration: 30_000, localEndpoint: quotes, annotations: [{ timestamp: t0 + 800, value: 'bcrypt start' }] },
    { traceId, id: 'a7', parentId: 'a3', kind: 'CLIENT', name: 'getimageurl', timestamp: t0 + 31_200, duration: 700, localEndpoint: account, remoteEndpoint: { serviceName: 'imageservice' } },
    { traceId, id: 'a8', parentId: 'a7', kind: 'SERVER', name: 'getaccountimage', timestamp: t0 + 31_300, duration: 500, localEndpoint: images, tags: { error: 'image not found' } },
  ];
}

// A trace of `count` spans: a root with `fanout` children per level, breadth-first ids.
export function syntheticTrace(count: number, fanout = 10, t0 = 1_700_000_000_000_000): Span[] {
  const traceId = '00000000000000aa';
  const spans: Span[] = [];
  for (let i = 0; i < count; i++) {
    const parent = i === 0 ? undefined : Math.floor((i - 1) / fanout);
    spans.push({
      traceId,
      id: (i + 1).toString(16),
      parentId: parent === undefined ? undefined : (parent + 1).toString(16),
      kind: 'SERVER',
      name: `op-${i % 50}`,
      timestamp: t0 + i * 10,
      duration: Math.max(1, 100_000 - i * 9),
      localEndpoint: { serviceName: `svc-${i % 7}`, ipv4: '10.1.0.1' },
    });
  }
  return spans;
}
