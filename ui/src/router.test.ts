import { describe, expect, it } from 'vitest';
import { parseRoute } from './router';

describe('parseRoute', () => {
  it.each([
    ['/zipkin/', '', { page: 'search', search: '' }],
    ['/zipkin', '?serviceName=a', { page: 'search', search: '?serviceName=a' }],
    ['/zipkin/index.html', '', { page: 'search', search: '' }],
    ['/zipkin/traces/463ac35c9f6413ad', '', { page: 'trace', traceId: '463ac35c9f6413ad' }],
    ['/zipkin/traces/a%20b', '', { page: 'trace', traceId: 'a b' }],
    ['/zipkin/dependency', '?lookback=1h', { page: 'dependency', search: '?lookback=1h' }],
    ['/zipkin/traceViewer', '', { page: 'upload' }],
    ['/zipkin/nope', '', { page: 'notFound', path: '/zipkin/nope' }],
    ['/other/', '', { page: 'notFound', path: '/other/' }],
  ])('%s%s', (path, search, route) => {
    expect(parseRoute(path, search, '/zipkin/')).toEqual(route);
  });
});
