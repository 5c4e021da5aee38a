import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database';
import { SEARCH_TOTAL_CAP, STATUSES, type IncidentSort, type Severity, type Status } from './incidents.schemas';

/**
 * One page of the incident list, planned for 100k incidents and more (issue 4: any filter and a page of
 * 50 within 5 ms at the API). SQLite's planner has no statistics here (nothing runs ANALYZE): it cannot
 * know that 'resolved' is 99% of the rows and 'active' a few hundred. The plan is chosen here instead,
 * from counts that cost next to nothing (incident_counts, migration 0007), between:
 *
 *  - set: every match is read through one filter's index (a status, open, a severity, an assignee, a
 *    date range, a service's links), sorted, and the page cut from it; the total comes free. Cost grows
 *    with that filter's size.
 *  - scan: rows are read in the order of the sort through the index that has it, the other filters
 *    tested in the index, until the page is full. Cost grows with (offset + limit) ÷ the share of rows
 *    that match.
 *
 * Either way only row ids are chosen in the indexes; the table is read for the page's rows. A search
 * word goes through the full-text index when it is rare; when it is common the scan tests it with LIKE
 * (ASCII words: the same rows as the trigram index) and the total is counted up to SEARCH_TOTAL_CAP.
 *
 * The total: incident_counts (kept by triggers) for status, open, severity, unassigned and date ranges,
 * service_incident_counts for a service, an index count for an assignee; a search counts up to
 * SEARCH_TOTAL_CAP only. A service with another filter joins the service's links (grows with them).
 */

export interface IncidentFilter {
  orgId: string;
  status?: Status;
  /** Not resolved. */
  open?: boolean;
  severity?: Severity;
  /** Words of three or more characters go to the full-text index; shorter ones are matched with LIKE. */
  words?: string[];
  from?: string;
  to?: string;
  serviceId?: string;
  /** A user id, or null for unassigned. */
  assigneeId?: string | null;
}

// Rough costs (µs) of the plans' steps, measured on the benchmark's 100k incidents; only their ratios matter.
const COST = {
  /** One index entry read, its filters tested in the index. */
  entry: 0.1,
  /** One match sorted (set plan). */
  sort: 0.3,
  /** One test of a service link, or one join from a link to its incident. */
  link: 1.5,
  /** One table row read for a LIKE test. */
  row: 2,
  /** One full-text match checked against the other filters. */
  fts: 1,
};

// Must be the expression of the index incidents_list_severity_rank, so that sort can use it.
const rank = (p: string) => `(CASE ${p}severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END)`;

function orderBy(sort: IncidentSort, p: string): string {
  switch (sort) {
    case '-created_at': return `${p}created_at DESC, ${p}id DESC`;
    case 'created_at': return `${p}created_at ASC, ${p}id ASC`;
    case '-updated_at': return `${p}updated_at DESC, ${p}id DESC`;
    case 'updated_at': return `${p}updated_at ASC, ${p}id ASC`;
    case '-severity': return `${rank(p)} DESC, ${p}created_at DESC, ${p}id DESC`;
    case 'severity': return `${rank(p)} ASC, ${p}created_at ASC, ${p}id ASC`;
  }
}

const OPEN_IN = `(${STATUSES.filter((s) => s !== 'resolved').map((s) => `'${s}'`).join(', ')})`;

const ftsPhrase = (word: string) => `"${word.replace(/"/g, '""')}"`;
const likePattern = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
// LIKE folds ASCII case only; the trigram index folds all of Unicode. For ASCII words both match the same rows.
const isAscii = (word: string) => [...word].every((c) => c.charCodeAt(0) < 0x80);

/** The filters of one request, with the search split by how each word can be matched. */
interface Terms extends Omit<IncidentFilter, 'words'> {
  /** Words of three characters or more: the trigram index matches them. */
  indexed: string[];
  /** Shorter words: always LIKE. */
  short: string[];
}

type Driver = 'status' | 'open' | 'severity' | 'assignee' | 'date' | 'service';

interface Size {
  driver: Driver;
  /** Incidents in the filter's index range (for a date range, in the months it touches). */
  size: number;
}

/** How indexed words are tested: LIKE, the full-text index, or not at all (the rows came from it). */
type WordTest = 'like' | 'fts' | 'none';

const INDEX_OF: Record<Exclude<Driver, 'service'>, string> = {
  status: 'incidents_list_status',
  open: 'incidents_list_status',
  severity: 'incidents_list_severity',
  assignee: 'incidents_list_assignee',
  date: 'incidents_list_created',
};

const SCAN_INDEX: Record<IncidentSort, string> = {
  '-created_at': 'incidents_list_created',
  created_at: 'incidents_list_created',
  '-updated_at': 'incidents_list_updated',
  updated_at: 'incidents_list_updated',
  '-severity': 'incidents_list_severity_rank',
  severity: 'incidents_list_severity_rank',
};

/** The WHERE clause over `incidents i` for every filter, org and liveness included. */
function where(t: Terms, driver: Driver | null, words: WordTest): { sql: string; params: unknown[] } {
  const clauses = ['i.org_id = ?', 'i.deleted_at IS NULL'];
  const params: unknown[] = [t.orgId];
  const add = (clause: string, ...values: unknown[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  if (t.status) add('i.status = ?', t.status);
  // IN keeps the open statuses ranges of incidents_list_status; <> would not.
  if (t.open) add(driver === 'open' ? `i.status IN ${OPEN_IN}` : "i.status <> 'resolved'");
  if (t.severity) add('i.severity = ?', t.severity);
  if (t.from) add('i.created_at >= ?', t.from);
  if (t.to) add('i.created_at <= ?', t.to);
  if (t.assigneeId === null) add('i.assignee_id IS NULL');
  else if (t.assigneeId !== undefined) add('i.assignee_id = ?', t.assigneeId);
  // Through a service's links, the join tests it.
  if (t.serviceId && driver !== 'service') {
    add('EXISTS (SELECT 1 FROM incident_services l WHERE l.incident_id = i.id AND l.service_id = ? AND l.org_id = ? AND l.deleted_at IS NULL)', t.serviceId, t.orgId);
  }
  if (t.indexed.length > 0 && words === 'fts') {
    add('i.search_key IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ?)', t.indexed.map(ftsPhrase).join(' AND '));
  }
  for (const word of words === 'like' ? [...t.indexed, ...t.short] : t.short) {
    add(`(i.title LIKE ? ESCAPE '\\' OR i.description LIKE ? ESCAPE '\\')`, likePattern(word), likePattern(word));
  }
  return { sql: clauses.join(' AND '), params };
}

const monthOf = (time: string) => time.slice(0, 7);
/** A string after every RFC 3339 time of the month ('~' sorts after the digits and '-'). */
const afterMonth = (month: string) => `${month}~`;

/** `columns` select from `incidents i` and the tables of `joins`: the list's row shape. */
export function incidentListStore(db: Db, columns: string, joins: string) {
  const statements = new Map<string, Statement>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  const ids = (sql: string, params: unknown[]) => prepare(sql).pluck().all(...params) as number[];
  const count = (sql: string, params: unknown[]) => prepare(sql).pluck().get(...params) as number;

  /** The page's rows, by rowid, in the order given. */
  const fetchRows = <T>(rowids: number[]): T[] =>
    rowids.length === 0
      ? []
      : (prepare(`SELECT ${columns} FROM json_each(?) p CROSS JOIN incidents i ON i.rowid = p.value ${joins} ORDER BY p.key`).all(JSON.stringify(rowids)) as T[]);

  const counterSum = (orgId: string, clauses: string[], params: unknown[]) =>
    count(`SELECT coalesce(sum(n), 0) FROM incident_counts WHERE org_id = ?${clauses.map((c) => ` AND ${c}`).join('')}`, [orgId, ...params]);

  const assigneeTotal = (orgId: string, assigneeId: string) =>
    count('SELECT coalesce((SELECT n FROM assignee_incident_counts WHERE org_id = ? AND assignee_id = ?), 0)', [orgId, assigneeId]);
  /** The live incidents a service's live links point at (service_incident_counts). */
  const serviceTotal = (orgId: string, serviceId: string) =>
    count('SELECT coalesce((SELECT n FROM service_incident_counts WHERE service_id = ? AND org_id = ?), 0)', [serviceId, orgId]);

  /** The exact number of live incidents matching status, open, severity, unassigned and a date range. */
  function countedTotal(t: Terms): number {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, ...values: unknown[]) => {
      clauses.push(clause);
      params.push(...values);
    };
    if (t.status) add('status = ?', t.status);
    if (t.open) add("status <> 'resolved'");
    if (t.severity) add('severity = ?', t.severity);
    if (t.assigneeId === null) add('unassigned = 1');
    if (!t.from && !t.to) return counterSum(t.orgId, clauses, params);
    // Whole months inside the range from the counters; the months at its ends counted in the index.
    const fromMonth = t.from ? monthOf(t.from) : undefined;
    const toMonth = t.to ? monthOf(t.to) : undefined;
    if (fromMonth) add('month > ?', fromMonth);
    if (toMonth) add('month < ?', toMonth);
    const whole = counterSum(t.orgId, clauses, params);
    // One lower and one upper bound each: given two, SQLite seeks by one and tests the other on every row.
    const w = where({ ...t, from: undefined, to: undefined, indexed: [], short: [] }, 'date', 'none');
    const edge = (lower: string, upper: string, inclusive: boolean) =>
      count(`SELECT count(*) FROM incidents i INDEXED BY incidents_list_created WHERE ${w.sql} AND i.created_at >= ? AND i.created_at ${inclusive ? '<=' : '<'} ?`, [
        ...w.params, lower, upper,
      ]);
    let edges = 0;
    if (fromMonth) {
      const end = afterMonth(fromMonth);
      edges += t.to !== undefined && t.to < end ? edge(t.from!, t.to, true) : edge(t.from!, end, false);
    }
    if (toMonth && toMonth !== fromMonth) edges += edge(t.from !== undefined && t.from > toMonth ? t.from : toMonth, t.to!, true);
    return whole + edges;
  }

  /** How many live incidents the org has, and how many each single filter matches (its index range). */
  function sizesOf(t: Terms): { all: number; sizes: Size[] } {
    const cases: Array<[Driver, string, unknown[]]> = [];
    if (t.status) cases.push(['status', 'status = ?', [t.status]]);
    if (t.open) cases.push(['open', "status <> 'resolved'", []]);
    if (t.severity) cases.push(['severity', 'severity = ?', [t.severity]]);
    if (t.assigneeId === null) cases.push(['assignee', 'unassigned = 1', []]);
    if (t.from || t.to) {
      // Every month the range touches: an upper bound, enough to choose a plan.
      const range = [...(t.from ? ['month >= ?'] : []), ...(t.to ? ['month <= ?'] : [])].join(' AND ');
      cases.push(['date', range, [...(t.from ? [monthOf(t.from)] : []), ...(t.to ? [monthOf(t.to)] : [])]]);
    }
    const sums = prepare(
      `SELECT coalesce(sum(n), 0)${cases.map(([, c]) => `, coalesce(sum(CASE WHEN ${c} THEN n END), 0)`).join('')} FROM incident_counts WHERE org_id = ?`,
    ).raw().get(...cases.flatMap(([, , p]) => p), t.orgId) as number[];
    const sizes: Size[] = cases.map(([driver], i) => ({ driver, size: sums[i + 1]! }));
    if (typeof t.assigneeId === 'string') sizes.push({ driver: 'assignee', size: assigneeTotal(t.orgId, t.assigneeId) });
    if (t.serviceId) sizes.push({ driver: 'service', size: serviceTotal(t.orgId, t.serviceId) });
    return { all: sums[0]!, sizes };
  }

  /** Every match, read through one filter's index, in the order of the sort. */
  function setPlan(t: Terms, driver: Driver, sort: IncidentSort, words: WordTest): number[] {
    const w = where(t, driver, words);
    if (driver === 'service') {
      return ids(
        `SELECT i.rowid FROM incident_services l INDEXED BY incident_services_service_live CROSS JOIN incidents i INDEXED BY incidents_list_id ON i.id = l.incident_id
          WHERE l.service_id = ? AND l.org_id = ? AND l.deleted_at IS NULL AND ${w.sql} ORDER BY ${orderBy(sort, 'i.')}`,
        [t.serviceId, t.orgId, ...w.params],
      );
    }
    return ids(`SELECT i.rowid FROM incidents i INDEXED BY ${INDEX_OF[driver]} WHERE ${w.sql} ORDER BY ${orderBy(sort, 'i.')}`, w.params);
  }

  /** The full-text matches that pass every other filter, up to SEARCH_TOTAL_CAP + 1 of them. */
  function searchMatches(t: Terms): { sql: string; params: unknown[] } {
    const w = where({ ...t, indexed: [] }, null, 'none');
    return {
      sql: `SELECT i.rowid AS r, i.created_at, i.updated_at, i.severity, i.id
          FROM incidents_fts CROSS JOIN incidents i INDEXED BY incidents_list_search ON i.search_key = incidents_fts.rowid
         WHERE incidents_fts MATCH ? AND ${w.sql} LIMIT ?`,
      params: [t.indexed.map(ftsPhrase).join(' AND '), ...w.params, SEARCH_TOTAL_CAP + 1],
    };
  }
  const searchCount = (t: Terms) => {
    const m = searchMatches(t);
    return count(`SELECT count(*) FROM (${m.sql})`, m.params);
  };
  /** MATERIALIZED: flattened into the outer query, the LIMIT would come after sorting every match. */
  const searchPlan = (t: Terms, sort: IncidentSort) => {
    const m = searchMatches(t);
    return ids(`WITH m AS MATERIALIZED (${m.sql}) SELECT r FROM m ORDER BY ${orderBy(sort, '')}`, m.params);
  };

  /** limit + 1 row ids from offset, read in the order of the sort through `index`. */
  function scanPlan(t: Terms, index: string, sort: IncidentSort, words: WordTest, limit: number, offset: number): number[] {
    const w = where(t, null, words);
    return ids(`SELECT i.rowid FROM incidents i INDEXED BY ${index} WHERE ${w.sql} ORDER BY ${orderBy(sort, 'i.')} LIMIT ? OFFSET ?`, [...w.params, limit + 1, offset]);
  }

  /** The exact total of a scan without a search. */
  function scanTotal(t: Terms): number {
    if (typeof t.assigneeId === 'string') {
      if (!t.status && !t.open && !t.severity && !t.from && !t.to && !t.serviceId) return assigneeTotal(t.orgId, t.assigneeId);
      const w = where(t, 'assignee', 'none');
      return count(`SELECT count(*) FROM incidents i INDEXED BY incidents_list_assignee WHERE ${w.sql}`, w.params);
    }
    if (!t.serviceId) return countedTotal(t);
    if (!t.status && !t.open && !t.severity && !t.from && !t.to && t.assigneeId === undefined) return serviceTotal(t.orgId, t.serviceId);
    // A busy service with another broad filter: every link joined to its incident (grows with the service).
    const w = where(t, 'service', 'none');
    return count(
      `SELECT count(*) FROM incident_services l INDEXED BY incident_services_service_live CROSS JOIN incidents i INDEXED BY incidents_list_id ON i.id = l.incident_id
        WHERE l.service_id = ? AND l.org_id = ? AND l.deleted_at IS NULL AND ${w.sql}`,
      [t.serviceId, t.orgId, ...w.params],
    );
  }

  /** The cheapest set plan and the scan's index and cost, by the sizes (see COST). */
  function choose(t: Terms, all: number, sizes: Size[], sort: IncidentSort, liked: boolean, limit: number, offset: number) {
    const n = Math.max(all, 1);
    // As if the filters were independent.
    const matches = sizes.reduce((m, s) => (m * s.size) / n, n);
    const residual = (driver: Driver | null) => (t.serviceId && driver !== 'service' ? COST.link : 0) + (liked ? COST.row : 0);

    let set: { driver: Driver; cost: number } | undefined;
    for (const s of sizes) {
      const cost = s.size * ((s.driver === 'service' ? COST.link : COST.entry) + residual(s.driver)) + matches * COST.sort;
      if (!set || cost < set.cost) set = { driver: s.driver, cost };
    }

    let index = SCAN_INDEX[sort];
    let range = n;
    if (index === 'incidents_list_created') {
      // Newest or oldest first: an equality filter's index (or the date range) has the same order.
      for (const s of sizes) {
        if (s.driver === 'open' || s.driver === 'service' || s.size >= range) continue;
        index = INDEX_OF[s.driver];
        range = s.size;
      }
    }
    const read = Math.min(range, ((offset + limit + 1) * range) / Math.max(matches, 1));
    // Counting the total after a scan: free from the counters, except for an assignee or a service with other filters.
    const sizeOf = (driver: Driver) => sizes.find((s) => s.driver === driver)!.size;
    const totalCost = sizes.length < 2 ? 0 : typeof t.assigneeId === 'string' ? sizeOf('assignee') * COST.entry : t.serviceId ? sizeOf('service') * COST.link : 0;
    const scan = { index, cost: read * (COST.entry + residual(null)) + totalCost };
    // The full-text probe visits matches until SEARCH_TOTAL_CAP + 1 of them pass the other filters.
    const probe = Math.min(n, ((SEARCH_TOTAL_CAP + 1) * n) / Math.max(matches, 1)) * COST.fts;
    return { set, scan, probe };
  }

  return {
    list<T>(filter: IncidentFilter, sort: IncidentSort, limit: number, offset: number): { rows: T[]; total: number } {
      const words = filter.words ?? [];
      const t: Terms = { ...filter, indexed: words.filter((w) => [...w].length >= 3), short: words.filter((w) => [...w].length < 3) };
      const wordTest: WordTest = t.indexed.every(isAscii) ? 'like' : 'fts';
      const searching = t.indexed.length > 0 || t.short.length > 0;
      const { all, sizes } = sizesOf(t);
      const { set, scan, probe } = choose(t, all, sizes, sort, searching && wordTest === 'like', limit, offset);
      const page = (matches: number[]) => ({ rows: fetchRows<T>(matches.slice(offset, offset + limit)), total: matches.length });

      let overCap = false;
      if (t.indexed.length > 0) {
        // A filter narrow enough to test the words on each of its rows, or else the full-text index:
        // every match when they are few; when they are many, a scan finds the page (LIKE) and the total is capped.
        if (set && set.cost <= probe) return page(setPlan(t, set.driver, sort, wordTest));
        // Counted first: sorting the matches only pays when they are all there is.
        if (searchCount(t) <= SEARCH_TOTAL_CAP) {
          const matches = searchPlan(t, sort);
          if (matches.length <= SEARCH_TOTAL_CAP) return page(matches);
        }
        overCap = true;
      } else if (set && set.cost <= scan.cost) {
        return page(setPlan(t, set.driver, sort, wordTest));
      }

      const found = scanPlan(t, scan.index, sort, wordTest, limit, offset);
      const more = found.length > limit;
      const rows = fetchRows<T>(found.slice(0, limit));
      // A page that ends the list and starts inside it tells the total.
      if (!more && (rows.length > 0 || offset === 0)) return { rows, total: offset + rows.length };
      if (!searching) return { rows, total: scanTotal(t) };
      if (!overCap) {
        // Short words only: counted, up to the cap.
        const w = where(t, null, wordTest);
        const counted = count(`SELECT count(*) FROM (SELECT 1 FROM incidents i INDEXED BY ${scan.index} WHERE ${w.sql} LIMIT ?)`, [...w.params, SEARCH_TOTAL_CAP + 1]);
        if (counted <= SEARCH_TOTAL_CAP) return { rows, total: counted };
      }
      // More than the cap: the cap, or on later pages as far as the pages go (+ 1 while more follow).
      return { rows, total: rows.length === 0 ? SEARCH_TOTAL_CAP : Math.max(SEARCH_TOTAL_CAP, offset + rows.length + (more ? 1 : 0)) };
    },
  };
}
