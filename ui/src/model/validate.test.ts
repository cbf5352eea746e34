import { describe, expect, it } from 'vitest';
import { parseTraceFile, toSpan } from './validate';

const span = (extra: Record<string, unknown> = {}) => ({ traceId: 'a1', id: 'b2', ...extra });

describe('parseTraceFile', () => {
  it('reads a list of spans, grouping them by trace id', () => {
    const parsed = parseTraceFile(
      JSON.stringify([span(), span({ id: 'c3', parentId: 'b2' }), { traceId: 'ff', id: '1' }]),
    );
    expect(parsed.ok && parsed.value.map((t) => t.length)).toEqual([2, 1]);
  });

  it('reads a list of traces as /api/v2/traces answers', () => {
    const parsed = parseTraceFile(JSON.stringify([[span()], [span({ traceId: 'c4' })]]));
    expect(parsed.ok && parsed.value).toHaveLength(2);
  });

  it('groups a 64-bit and a 128-bit id of one trace together', () => {
    const parsed = parseTraceFile(
      JSON.stringify([
        span({ traceId: '463ac35c9f6413ad' }),
        span({ traceId: '48485a3953bb6124463ac35c9f6413ad', id: 'c3' }),
      ]),
    );
    expect(parsed.ok && parsed.value).toHaveLength(1);
  });

  it.each([
    ['', 'The file is empty.'],
    ['{"traceId":', 'The file is not valid JSON: '],
    ['{"traceId":"a","id":"b"}', 'Expected a JSON array of Zipkin v2 spans (or of traces), but the file holds an object.'],
    ['[]', 'The file holds an empty list: no spans to show.'],
    ['[[]]', 'The file holds only empty traces.'],
    ['[1]', 'Not a Zipkin trace: span 1 of 1: expected a span object, found a number.'],
    ['[{"traceId":"a1","id":"xyz"}]', 'Not a Zipkin trace: span 1 of 1: id "xyz" is not 1 to 16 hex characters.'],
    ['[{"id":"b2"}]', 'Not a Zipkin trace: span 1 of 1: traceId must be a string, not a undefined.'],
    ['[{"traceId":"a1","id":"b2"},{"traceId":"a1","id":"b3","kind":"SERVR"}]', 'Not a Zipkin trace: span 2 of 2: kind must be one of CLIENT, SERVER, PRODUCER, CONSUMER, not "SERVR".'],
    ['[{"traceId":"a1","id":"b2","timestamp":-5}]', 'Not a Zipkin trace: span 1 of 1: timestamp must be a non-negative number of microseconds, not -5.'],
    ['[{"traceId":"a1","id":"b2","tags":{"k":{"x":1}}}]', 'Not a Zipkin trace: span 1 of 1: tag "k" must be a string, not an object.'],
    ['[{"traceId":"a1","id":"b2","annotations":[{"value":"x"}]}]', 'Not a Zipkin trace: span 1 of 1: annotations[0] must be {"timestamp": number, "value": string}.'],
    ['[{"traceId":"a1","id":"b2","localEndpoint":{"port":70000}}]', 'Not a Zipkin trace: span 1 of 1: localEndpoint.port must be a port number, not 70000.'],
    ['[[{"traceId":"a1","id":"b2"}],[{"traceId":"a1"}]]', 'Not a Zipkin trace: trace 2 of 2, span 1 of 1: id must be a string, not a undefined.'],
  ])('explains %j', (text, message) => {
    const parsed = parseTraceFile(text);
    expect(parsed.ok).toBe(false);
    const error = parsed.ok ? '' : parsed.error;
    expect(error.startsWith(message), error).toBe(true);
  });

  it('recognises Zipkin v1 JSON', () => {
    const parsed = parseTraceFile(JSON.stringify([{ traceId: 'a1', id: 'b2', binaryAnnotations: [] }]));
    expect(!parsed.ok && parsed.error).toMatch(/Zipkin v1 JSON/);
  });
});

describe('toSpan', () => {
  it('keeps the v2 fields, lower-cases ids and stringifies scalar tags', () => {
    expect(
      toSpan({
        traceId: 'A1',
        id: 'B2',
        parentId: null,
        kind: 'CLIENT',
        name: 'get',
        timestamp: 10,
        duration: 5,
        localEndpoint: { serviceName: 'a', ipv4: '1.2.3.4', port: 80 },
        annotations: [{ timestamp: 11, value: 'ws' }],
        tags: { status: 200, ok: true },
        shared: true,
        unknownField: 1,
      }),
    ).toEqual({
      traceId: 'a1',
      id: 'b2',
      kind: 'CLIENT',
      name: 'get',
      timestamp: 10,
      duration: 5,
      localEndpoint: { serviceName: 'a', ipv4: '1.2.3.4', port: 80 },
      annotations: [{ timestamp: 11, value: 'ws' }],
      tags: { status: '200', ok: 'true' },
      shared: true,
    });
  });
});
