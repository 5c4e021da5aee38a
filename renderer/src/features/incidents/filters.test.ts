import { describe, expect, it } from 'vitest';
import { filtersFromParams, filtersToParams, hasFilters, isoToLocalInput } from './filters';

describe('incident list filters in the URL', () => {
  it('round-trips every filter in a fixed order and drops the rest', () => {
    const params = new URLSearchParams('severity=critical&page=2&status=active&search=%20disk%20full%20&assignee=me&sort=severity&from=2026-01-01T00:00:00.000Z');
    const filters = filtersFromParams(params);
    expect(filters).toEqual({ status: 'active', severity: 'critical', search: 'disk full', assignee: 'me', from: '2026-01-01T00:00:00.000Z', sort: 'severity' });
    expect(filtersToParams(filters).toString()).toBe('status=active&severity=critical&search=disk+full&assignee=me&from=2026-01-01T00%3A00%3A00.000Z&sort=severity');
  });

  it('leaves out empty values and the default sort', () => {
    expect(filtersFromParams(new URLSearchParams('status=&sort=-created_at&service_id=  '))).toEqual({});
    expect(filtersToParams({ status: '', sort: '-created_at', search: 'x' }).toString()).toBe('search=x');
    expect(hasFilters({ sort: '-created_at' })).toBe(false);
    expect(hasFilters({ severity: 'low' })).toBe(true);
  });

  it('shows a UTC time as local wall time for the date inputs', () => {
    const iso = '2026-03-04T05:06:00.000Z';
    const local = isoToLocalInput(iso);
    expect(local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(new Date(local).toISOString()).toBe(iso);
    expect(isoToLocalInput('nonsense')).toBe('');
  });
});
