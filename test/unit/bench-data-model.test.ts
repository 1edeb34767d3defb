/**
 * How the bench reads `docs/data-model.md` to compare measured DynamoDB calls with the documented ones
 * (`scripts/bench/data-model.ts`): the rows a measured request adds up to, and the document's own rows.
 */
import { describe, expect, it } from 'vitest';
import {
  expectationFor,
  expectationForSource,
  parseCalls,
  readAccessPatterns,
} from '../../scripts/bench/data-model.ts';

const table = (rows: string[]) =>
  ['| # | Access pattern | Served by | Request | DynamoDB calls |', '|---|---|---|---|---|', ...rows].join(
    '\n',
  );

describe('the bench reading the access patterns', () => {
  const patterns = readAccessPatterns(
    table([
      '| 1 | Create | Put | `POST /things` | 1 transaction |',
      '| 2 | Group members | Query | `POST /things` (when a thing names a group) | 8 Query |',
      '| 3 | Caller | GetItem | every request to a route behind the authorizer | 1 GetItem |',
    ]),
  );

  it('counts a row for a case only when the measured request is in that case', () => {
    expect(expectationFor(patterns, { request: 'POST /things', authenticated: true })).toMatchObject({
      rows: '#1, #3',
      operations: { TransactWriteItems: 1, GetItem: 1 },
    });
    expect(
      expectationFor(patterns, { request: 'POST /things', authenticated: true, variant: 'names a group' }),
    ).toMatchObject({ rows: '#1, #2, #3', operations: { TransactWriteItems: 1, Query: 8, GetItem: 1 } });
  });

  it('reads the base of a calls cell, leaving out what its parentheses add', () => {
    expect(
      parseCalls('1 GetItem + 1 transaction (+ 1 GetItem for a role, + 1 PutItem for a new email)'),
    ).toEqual({
      GetItem: 1,
      TransactWriteItems: 1,
    });
    expect(parseCalls('per batch: 1 BatchGetItem')).toBeUndefined();
  });

  it('finds in the project’s document what a ticket creation and the table-maintenance consumer do', () => {
    const documented = readAccessPatterns();
    const create = expectationFor(documented, {
      request: 'POST /tickets',
      authenticated: true,
      also: ['approver/assignee checks'],
    });
    expect(create.rows.split(', ')).toEqual(['#1', '#2', '#3', '#3b', '#U0']);
    const maintenance = expectationForSource(documented, 'table-maintenance stream consumer');
    expect(maintenance.rows).toBe('#8d, #DS2');
    // Calls per request depend on how records batch: the counting row reads as text.
    expect(maintenance.operations).toBeUndefined();
  });
});
