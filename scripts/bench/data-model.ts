/**
 * What `docs/data-model.md` says each request costs in DynamoDB calls, read from its access-pattern table
 * (`| # | Access pattern | Served by | Request | DynamoDB calls |`), so the bench's "expected" columns come from
 * the document and never from numbers typed into the bench.
 *
 * A measured request is matched to rows by the `Request` column ({@link expectationFor}): rows naming its method,
 * path and filter parameters in backticks (`` `POST /tickets` ``; `` `GET`/`POST /approvals/{token}` `` names both;
 * `` `GET /tickets?priority=`, `?type=` `` two filtered lists; path parameters match whatever their name), rows
 * every such request or every authenticated request makes, and the calls of all of them add up. A parenthesis
 * naming who asks (`` `GET /tickets` (agents, admins) ``) restricts a row to that audience. A measurement may name
 * extra phrases of the column (`approver/assignee checks`) for a variant such as a ticket with an approver.
 *
 * The `DynamoDB calls` column is read as `N Operation` terms joined by `+` (`transaction` = TransactWriteItems;
 * `per 10 tickets` divides; `per 25 items` is one batch of a request's items, and `per page` and parentheses are
 * ignored); a `; `GET` also ...: 3` clause sets the count
 * for that method when the row has one operation. A row that does not read that way is shown as text only.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../local/paths.ts';

export interface AccessPattern {
  /** `#` column, e.g. `12b`. */
  readonly id: string;
  readonly pattern: string;
  readonly request: string;
  readonly calls: string;
}

export const dataModelFile = path.join(repoRoot, 'docs', 'data-model.md');

/** The rows of the access-pattern table. */
export function readAccessPatterns(markdown = readFileSync(dataModelFile, 'utf8')): AccessPattern[] {
  const lines = markdown.split('\n');
  const header = lines.findIndex((line) =>
    /^\|\s*#\s*\|\s*Access pattern\s*\|\s*Served by\s*\|\s*Request\s*\|\s*DynamoDB calls\s*\|/.test(line),
  );
  if (header < 0) return [];
  const rows: AccessPattern[] = [];
  for (const line of lines.slice(header + 2)) {
    // The features' marker comments (`<!-- access patterns: ... -->`) sit between rows of the table.
    if (line.startsWith('<!--')) continue;
    if (!line.startsWith('|')) break;
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((cell) => cell.trim());
    if (cells.length < 5) continue;
    rows.push({
      id: cells[0] as string,
      pattern: cells[1] as string,
      request: cells[3] as string,
      calls: cells[4] as string,
    });
  }
  return rows;
}

const normalizePath = (value: string) => value.replace(/\{[^}]*\}/g, '{}');

/** Query parameters that page rather than filter. */
const pagingParameters = new Set(['limit', 'cursor']);

/** The filter parameter names of a query string (`status=&type=x` → status, type), paging left out. */
function filterParameters(query: string): string[] {
  return query
    .split('&')
    .map((pair) => pair.split('=')[0] ?? '')
    .filter((name) => name && !name.startsWith('.') && !pagingParameters.has(name))
    .sort();
}

/** One request a Request cell names. */
export interface NamedRequest {
  readonly method: string;
  readonly path: string;
  /** Filter parameters of its query string, sorted. */
  readonly parameters: readonly string[];
  /** The parenthesis after its group of requests, e.g. `agents, admins`. */
  readonly qualifier?: string | undefined;
}

/**
 * The requests a Request cell names: `` `METHOD /path?query` ``, `` `GET`/`POST /path` `` (both), and a bare
 * `` `?query` `` (the previous path with those parameters). A parenthesis applies to the requests named since the
 * previous parenthesis.
 */
export function requestsNamed(cell: string): NamedRequest[] {
  const named: NamedRequest[] = [];
  let group: { method: string; path: string; parameters: string[] }[] = [];
  let last: { method: string; path: string } | undefined;
  const close = (qualifier?: string) => {
    for (const entry of group) named.push({ ...entry, ...(qualifier ? { qualifier } : {}) });
    group = [];
  };
  const pattern = /`([^`]*)`(?:\/`([^`]*)`)?|\(([^)]*)\)/g;
  for (const match of cell.matchAll(pattern)) {
    if (match[3] !== undefined) {
      close(match[3]);
      continue;
    }
    const tokens = [match[1] as string, match[2]].filter((t): t is string => t !== undefined);
    const full = tokens.map((t) => /^([A-Z]+) (\/[^?\s]*)(?:\?(.*))?$/.exec(t)).find(Boolean);
    if (full) {
      const methods = tokens.map((t) => /^([A-Z]+)\b/.exec(t)?.[1]).filter((m): m is string => Boolean(m));
      for (const method of methods) {
        group.push({ method, path: full[2] as string, parameters: filterParameters(full[3] ?? '') });
      }
      last = { method: methods.at(-1) as string, path: full[2] as string };
      continue;
    }
    const bare = /^\?(.*)$/.exec(tokens[0] ?? '');
    if (bare && last) group.push({ ...last, parameters: filterParameters(bare[1] ?? '') });
  }
  close();
  return named;
}

/**
 * A parenthesis that starts with `when` names a case a request is only sometimes in (`(when a cable request names
 * no approver)`): its row counts only for a measured request whose `variant` that parenthesis contains.
 */
const conditional = (qualifier: string | undefined): boolean => /^when\b/i.test(qualifier?.trim() ?? '');

/** Words of a parenthesis that name who asks, by the audience the bench measures as. */
const audienceWords: Record<string, readonly string[]> = {
  agents: ['agents', 'admins', 'canviewall'],
  requesters: ['requesters'],
};
const allAudienceWords = Object.values(audienceWords).flat();

const operationWords: Record<string, string> = {
  getitem: 'GetItem',
  putitem: 'PutItem',
  updateitem: 'UpdateItem',
  deleteitem: 'DeleteItem',
  query: 'Query',
  scan: 'Scan',
  batchgetitem: 'BatchGetItem',
  batchwriteitem: 'BatchWriteItem',
  transactgetitems: 'TransactGetItems',
  transactwriteitems: 'TransactWriteItems',
  transaction: 'TransactWriteItems',
  transactions: 'TransactWriteItems',
};

/**
 * Operation counts of a `DynamoDB calls` cell for a method, or `undefined` when the cell does not read as counts.
 * @param method the measured request's method, for `; `GET` also ...: N` clauses
 */
export function parseCalls(cell: string, method?: string): Record<string, number> | undefined {
  const [base = '', ...clauses] = cell.split(';');
  const counts: Record<string, number> = {};
  const terms = base
    .replace(/\([^)]*\)/g, '')
    .split('+')
    .map((term) => term.trim())
    .filter(Boolean);
  if (terms.length === 0) return undefined;
  for (const term of terms) {
    const match = /^(\d+(?:\.\d+)?)\s+([A-Za-z]+)\b(.*)$/.exec(term);
    const operation = match ? operationWords[(match[2] as string).toLowerCase()] : undefined;
    if (!match || !operation) return undefined;
    // `per 10 tickets`: one call for every 10 requests; `per 25 items`: one call per batch of up to 25 of the
    // items the request handles, so a request with any such items makes at least one (the bench counts one).
    const per = /\bper\s+(\d+)\s*(\w*)/.exec(match[3] as string);
    const divisor = per && !/^items?$/i.test(per[2] as string) ? Number(per[1]) : 1;
    counts[operation] = (counts[operation] ?? 0) + Number(match[1]) / divisor;
  }
  for (const clause of clauses) {
    const override = /`([A-Z]+)`[^:]*:\s*(\d+)\s*$/.exec(clause.trim());
    const only = Object.keys(counts);
    if (override && override[1] === method && only.length === 1)
      counts[only[0] as string] = Number(override[2]);
  }
  return counts;
}

export interface Expectation {
  /** Operation → calls per request, summed over the rows; `undefined` when a row does not read as counts. */
  readonly operations: Record<string, number> | undefined;
  /** The rows, e.g. `#2, #3`; empty when none matched. */
  readonly rows: string;
  /** The rows' `DynamoDB calls` cells, for rows shown as text. */
  readonly text: string;
}

function combine(rows: readonly AccessPattern[], method: string | undefined): Expectation {
  if (rows.length === 0) return { operations: undefined, rows: '', text: '' };
  let operations: Record<string, number> | undefined = {};
  for (const row of rows) {
    const counts = parseCalls(row.calls, method);
    if (!counts || !operations) {
      operations = undefined;
      continue;
    }
    for (const [operation, count] of Object.entries(counts)) {
      operations[operation] = (operations[operation] ?? 0) + count;
    }
  }
  return {
    operations,
    rows: rows.map((row) => `#${row.id}`).join(', '),
    text: rows.map((row) => `#${row.id}: ${row.calls}`).join('; '),
  };
}

export interface RequestRef {
  /**
   * `METHOD /path` as measured, with the query string of a filtered list (`GET /tickets?status=closed`); paging
   * parameters are ignored.
   */
  readonly request: string;
  /** Who asks (`agents`, `requesters`): picks the rows whose parenthesis names them. */
  readonly audience?: 'agents' | 'requesters' | undefined;
  /** Phrases of the Request column whose rows count too, e.g. `approver/assignee checks`. */
  readonly also?: readonly string[] | undefined;
  /** Whether the route is behind the authorizer (rows for "every request to a route behind the authorizer"). */
  readonly authenticated?: boolean | undefined;
  /**
   * Which of several rows told apart only by a parenthesis (`` `GET /comments` (by author) ``, `(by ticket)`) the
   * request is: rows whose parenthesis does not contain this phrase are left out. Rows whose parenthesis starts
   * with `when` count only when it contains this phrase.
   */
  readonly variant?: string | undefined;
}

/**
 * The rows of `docs/data-model.md` for a measured HTTP request and what they add up to:
 * - rows naming the request with the same filter parameters (a row with a parenthesis naming an audience only for
 *   that audience; other parentheses do not restrict);
 * - rows naming it without parameters or parenthesis also count for its filtered forms (what every such request
 *   does, e.g. reading the people a response embeds);
 * - rows for "every request" (to a route behind the authorizer: authenticated requests only), and `also` phrases;
 * - with a `variant`, of the rows told apart by another parenthesis only those whose parenthesis names it.
 * Without a row of the first kind the request counts as not listed.
 */
export function expectationFor(patterns: readonly AccessPattern[], ref: RequestRef): Expectation {
  const [method = '', target = ''] = ref.request.split(' ');
  const [rawPath = '', query = ''] = target.split('?');
  const wanted = normalizePath(rawPath);
  const parameters = filterParameters(query).join('&');
  const fitsAudience = (qualifier: string | undefined) => {
    const words = (qualifier ?? '').toLowerCase();
    if (!allAudienceWords.some((word) => words.includes(word))) return true;
    return (audienceWords[ref.audience ?? ''] ?? []).some((word) => words.includes(word));
  };
  const primary: AccessPattern[] = [];
  const generic: AccessPattern[] = [];
  const qualifiers = new Set<string>();
  for (const row of patterns) {
    const named = requestsNamed(row.request).filter(
      (entry) => entry.method === method && normalizePath(entry.path) === wanted,
    );
    const fitsVariant = (qualifier: string | undefined) =>
      conditional(qualifier)
        ? Boolean(ref.variant && qualifier?.toLowerCase().includes(ref.variant.toLowerCase()))
        : !ref.variant ||
          !qualifier ||
          allAudienceWords.some((word) => qualifier.toLowerCase().includes(word)) ||
          qualifier.toLowerCase().includes(ref.variant.toLowerCase());
    const exact = named.find(
      (entry) =>
        entry.parameters.join('&') === parameters &&
        fitsAudience(entry.qualifier) &&
        fitsVariant(entry.qualifier),
    );
    const lowered = row.request.toLowerCase();
    if (exact) {
      primary.push(row);
      if (exact.qualifier && !allAudienceWords.some((w) => exact.qualifier?.toLowerCase().includes(w))) {
        qualifiers.add(exact.qualifier);
      }
    } else if (parameters && named.some((entry) => entry.parameters.length === 0 && !entry.qualifier)) {
      generic.push(row);
    } else if (
      lowered.startsWith('every request') &&
      (!/authori[sz]er|authenticated|signed-in/.test(lowered) || ref.authenticated)
    ) {
      generic.push(row);
    } else if ((ref.also ?? []).some((phrase) => row.request.includes(phrase))) {
      generic.push(row);
    }
  }
  if (primary.length === 0) return { operations: undefined, rows: '', text: '' };
  const rows = patterns.filter((row) => primary.includes(row) || generic.includes(row));
  const combined = combine(rows, method);
  // Several rows told apart only by a parenthesis the bench cannot read (`by author`, `by ticket`): text only.
  return qualifiers.size > 1 ? { ...combined, operations: undefined } : combined;
}

/** The rows whose Request column names an event handler (`stream notifier`, `S3 object-created handler`). */
export function expectationForSource(patterns: readonly AccessPattern[], phrase: string): Expectation {
  return combine(
    patterns.filter((row) => row.request.toLowerCase().includes(phrase.toLowerCase())),
    undefined,
  );
}
