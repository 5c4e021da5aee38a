/** The list's filters live in the URL (shareable, back/forward work); these are the API's own names. */
export const FILTER_KEYS = ['status', 'severity', 'search', 'service_id', 'assignee', 'from', 'to', 'sort'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type IncidentFilters = Partial<Record<FilterKey, string>>;

export const SORTS = [
  { value: '-created_at', label: 'Newest first' },
  { value: 'created_at', label: 'Oldest first' },
  { value: '-updated_at', label: 'Recently updated' },
  { value: '-severity', label: 'Most severe first' },
  { value: 'severity', label: 'Least severe first' },
] as const;
export const DEFAULT_SORT = '-created_at';

/** Reads the filters from a query string, ignoring anything that is not a filter or is empty. */
export function filtersFromParams(params: URLSearchParams): IncidentFilters {
  const filters: IncidentFilters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (value) filters[key] = value;
  }
  if (filters.sort === DEFAULT_SORT) delete filters.sort;
  return filters;
}

/** The canonical query string of a set of filters: fixed key order, defaults left out. */
export function filtersToParams(filters: IncidentFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key]?.trim();
    if (value && !(key === 'sort' && value === DEFAULT_SORT)) params.set(key, value);
  }
  return params;
}

export const hasFilters = (filters: IncidentFilters) => Object.keys(filtersFromParams(filtersToParams(filters))).length > 0;

/** `<input type="datetime-local">` shows local wall time; the URL and the API keep RFC 3339 UTC. */
export function isoToLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return '';
  const local = new Date(time.getTime() - time.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
