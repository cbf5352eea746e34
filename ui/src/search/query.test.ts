import { describe, expect, it } from 'vitest';
import { currentTerm, emptyForm, formFromUrl, formToApiParams, formToUrl, lookbackKeyFor, urlHasSearch } from './query';

const defaults = { queryLimit: 10, defaultLookback: 900_000 };

describe('search form', () => {
  it('round-trips through the URL with Zipkin parameter names', () => {
    const form = { ...emptyForm(defaults), serviceName: 'accountservice', annotationQuery: 'error and http.method=GET', minDuration: '10ms' };
    const url = formToUrl(form);
    expect(url).toBe('?serviceName=accountservice&annotationQuery=error+and+http.method%3DGET&minDuration=10ms&lookback=15m&limit=10');
    expect(formFromUrl(url, defaults)).toEqual(form);
    expect(urlHasSearch(url)).toBe(true);
    expect(urlHasSearch('')).toBe(false);
  });

  it('builds /api/v2/traces parameters with durations in microseconds', () => {
    const form = { ...emptyForm(defaults), serviceName: ' Quotes ', minDuration: '1.5ms', maxDuration: '2s', lookback: '1h' };
    const query = formToApiParams(form, 1_700_000_000_000);
    expect(query).toEqual({
      ok: true,
      params: {
        serviceName: 'Quotes',
        spanName: undefined,
        remoteServiceName: undefined,
        annotationQuery: undefined,
        minDuration: 1500,
        maxDuration: 2_000_000,
        endTs: 1_700_000_000_000,
        lookback: 3_600_000,
        limit: 10,
      },
    });
  });

  it('sends minDuration=1 with a max duration alone (Zipkin needs both)', () => {
    const query = formToApiParams({ ...emptyForm(defaults), maxDuration: '250' });
    expect(query.ok && [query.params.minDuration, query.params.maxDuration]).toEqual([1, 250]);
  });

  it.each([
    [{ minDuration: 'fast' }, 'Min duration "fast" is not a duration'],
    [{ minDuration: '5ms', maxDuration: '1ms' }, 'Max duration must not be less than min duration'],
    [{ minDuration: '0' }, 'Min duration must be more than 0'],
    [{ limit: '0' }, 'Limit "0" must be a whole number'],
    [{ limit: '2.5' }, 'Limit "2.5" must be a whole number'],
    [{ lookback: 'forever' }, 'Lookback "forever" is not a known range'],
    [{ endTs: 'yesterday' }, 'End time "yesterday" must be milliseconds'],
  ])('refuses %j', (change, message) => {
    const query = formToApiParams({ ...emptyForm(defaults), ...change });
    expect(!query.ok && query.error).toMatch(message);
  });

  it('picks the nearest lookback option for config.json defaults', () => {
    expect(lookbackKeyFor(900_000)).toBe('15m');
    expect(lookbackKeyFor(3_000_000)).toBe('1h');
    expect(lookbackKeyFor(86_400_000 * 30)).toBe('7d');
  });

  it('finds the annotationQuery term being typed', () => {
    expect(currentTerm('')).toEqual({ prefix: '', partial: '' });
    expect(currentTerm('http.met')).toEqual({ prefix: '', partial: 'http.met' });
    expect(currentTerm('error and http.method=GE')).toEqual({ prefix: 'error and ', key: 'http.method', partial: 'GE' });
  });
});
