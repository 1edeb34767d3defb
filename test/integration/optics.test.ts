/**
 * Optics through the API on the local stack (issue 11 "Optics"; PRODUCT "Operations"): the allowed parts (seeded,
 * edited by admins, plus `Other`), requests by anyone signed in, one's own or (admins) every request by status,
 * and the admins' decisions along the lifecycle, each audited.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultOpticsParts } from '#shared/optics/optics.entity.ts';
import { apiAs, logIn, newRequester, ok, type Session } from './support.ts';

const accounts = inject('demoAccounts');

describe('optics', () => {
  let admin: Session;
  let requester: Session;
  let other: Session;

  beforeAll(async () => {
    [admin, requester, other] = await Promise.all([
      logIn(accounts.admin.email, accounts.admin.password),
      newRequester('Olga Optics'),
      newRequester('Otto Other'),
    ]);
  });

  /** `POST /optics/requests` with any body (the invalid ones too). */
  const request = (session: Session, body: Record<string, unknown>) =>
    apiAs(session.token).POST('/optics/requests', { body: body as never });

  it('offers the seeded parts plus Other; admins replace the list, and requests must name a listed part', async () => {
    const parts = ok(await apiAs(requester.token).GET('/optics/parts'), 'parts');
    expect(parts.other).toBe('Other');
    expect(parts.parts).toEqual(expect.arrayContaining([...defaultOpticsParts].slice(0, 1)));

    const extra = `Test optic ${randomUUID().slice(0, 8)}`;
    const replaced = ok(
      await apiAs(admin.token).PUT('/optics/parts', { body: { parts: [...parts.parts, extra] } }),
      'replace parts',
    );
    expect(replaced.parts).toContain(extra);
    expect(replaced.version).toBe(parts.version + 1);
    // Letter case ignored; stored as listed.
    const made = await request(requester, { part: extra.toUpperCase(), quantity: 2 });
    expect(made.response.status).toBe(201);
    expect(ok(made, 'request').part).toBe(extra);

    // Taken off the list: no longer requestable (422 naming the field).
    ok(await apiAs(admin.token).PUT('/optics/parts', { body: { parts: [...parts.parts] } }), 'restore parts');
    const refused = await request(requester, { part: extra, quantity: 2 });
    expect(refused.response.status).toBe(422);
    expect(JSON.stringify(refused.error)).toContain('/part');

    // `Other` is never in the list, and each part once; a requester may not edit the list.
    for (const bad of [
      [...parts.parts, 'other'],
      ['SFP', 'sfp'],
    ]) {
      // Valid by the document (it cannot say "unique, letter case ignored"): a 422 of the operation.
      const invalid = await apiAs(admin.token).PUT('/optics/parts', { body: { parts: bad } });
      expect(invalid.response.status).toBe(422);
      expect(JSON.stringify(invalid.error)).toContain('/parts');
    }
    const notAdmin = await apiAs(requester.token).PUT('/optics/parts', { body: { parts: ['SFP'] } });
    expect(notAdmin.response.status).toBe(403);
  });

  it('validates a request: Other needs a description, a listed part takes none, no date in the past', async () => {
    const part = defaultOpticsParts[0] as string;
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ part: 'Other', quantity: 1 }, 422, '/description'],
      [{ part, description: 'extra words', quantity: 1 }, 422, '/description'],
      [{ part, quantity: 1, neededBy: '2020-01-01' }, 422, '/neededBy'],
      [{ part, quantity: 0 }, 400, '/quantity'],
      [{ part, quantity: 1, colour: 'blue' }, 400, 'colour'],
    ];
    for (const [body, status, field] of cases) {
      const answer = await request(requester, body);
      expect([body, answer.response.status]).toEqual([body, status]);
      expect(JSON.stringify(answer.error)).toContain(field);
    }
    const made = ok(
      await request(requester, {
        part: 'Other',
        description: 'BiDi SFP+ 10G 20 km',
        quantity: 3,
        neededBy: '2099-01-31',
        notes: 'For the west riser',
      }),
      'other request',
    );
    expect(made).toMatchObject({
      part: 'Other',
      description: 'BiDi SFP+ 10G 20 km',
      quantity: 3,
      neededBy: '2099-01-31',
      notes: 'For the west riser',
      status: 'pending',
      requesterId: requester.userId,
    });
    expect(made.events).toEqual([
      expect.objectContaining({ action: 'create', from: null, to: 'pending', actorId: requester.userId }),
    ]);
  });

  it('shows requesters their own requests and admins every one, newest first, by status, paginated', async () => {
    const mine = ok(await request(requester, { part: 'Other', description: 'Mine', quantity: 1 }), 'mine');
    const theirs = ok(await request(other, { part: 'Other', description: 'Theirs', quantity: 1 }), 'theirs');

    const own = ok(
      await apiAs(requester.token).GET('/optics/requests', { params: { query: { limit: 100 } } }),
      'own',
    );
    expect(own.items.every((item) => item.requesterId === requester.userId)).toBe(true);
    expect(own.items.map((item) => item.requestId)).toContain(mine.requestId);
    expect(own.items.map((item) => item.requestId)).not.toContain(theirs.requestId);
    const createdAt = own.items.map((item) => item.createdAt);
    expect(createdAt).toEqual([...createdAt].sort().reverse());

    // Another requester's request is not found; the admin reads it.
    const hidden = await apiAs(requester.token).GET('/optics/requests/{requestId}', {
      params: { path: { requestId: theirs.requestId } },
    });
    expect(hidden.response.status).toBe(404);
    ok(
      await apiAs(admin.token).GET('/optics/requests/{requestId}', {
        params: { path: { requestId: theirs.requestId } },
      }),
      'admin reads',
    );

    // Admins: every request, newest first, one a page.
    const first = ok(
      await apiAs(admin.token).GET('/optics/requests', { params: { query: { limit: 1 } } }),
      'p1',
    );
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = ok(
      await apiAs(admin.token).GET('/optics/requests', {
        params: { query: { limit: 1, cursor: first.nextCursor as string } },
      }),
      'p2',
    );
    expect((second.items[0]?.createdAt as string) <= (first.items[0]?.createdAt as string)).toBe(true);
    expect(second.items[0]?.requestId).not.toBe(first.items[0]?.requestId);
    const all = ok(
      await apiAs(admin.token).GET('/optics/requests', { params: { query: { limit: 100 } } }),
      'all',
    );
    expect(all.items.map((item) => item.requestId)).toEqual(
      expect.arrayContaining([theirs.requestId, mine.requestId]),
    );
    // A cursor of the admins' list is not one of the requester's.
    const crossed = await apiAs(requester.token).GET('/optics/requests', {
      params: { query: { limit: 1, cursor: first.nextCursor as string } },
    });
    expect(crossed.response.status).toBe(422);

    // By status: the approved one leaves the pending list.
    ok(
      await apiAs(admin.token).PATCH('/optics/requests/{requestId}/status', {
        params: { path: { requestId: mine.requestId } },
        body: { action: 'approve' },
      }),
      'approve',
    );
    const ids = async (session: Session, status: 'pending' | 'approved') =>
      ok(
        await apiAs(session.token).GET('/optics/requests', { params: { query: { status, limit: 100 } } }),
        status,
      ).items.map((item) => item.requestId);
    expect(await ids(admin, 'approved')).toContain(mine.requestId);
    expect(await ids(admin, 'pending')).not.toContain(mine.requestId);
    expect(await ids(admin, 'pending')).toContain(theirs.requestId);
    expect(await ids(requester, 'approved')).toEqual(expect.arrayContaining([mine.requestId]));
    expect(await ids(requester, 'pending')).not.toContain(mine.requestId);
  });

  it('moves requests along the lifecycle, audits each change, and refuses a forbidden move with 409', async () => {
    const change = (requestId: string, body: Record<string, unknown>) =>
      apiAs(admin.token).PATCH('/optics/requests/{requestId}/status', {
        params: { path: { requestId } },
        body: body as never,
      });
    const approved = ok(
      await request(requester, { part: 'Other', description: 'To approve', quantity: 1 }),
      'a',
    );
    const denied = ok(await request(requester, { part: 'Other', description: 'To deny', quantity: 1 }), 'd');

    const afterApprove = ok(await change(approved.requestId, { action: 'approve' }), 'approve');
    expect(afterApprove).toMatchObject({ status: 'approved', decidedBy: admin.userId });
    const again = await change(approved.requestId, { action: 'approve' });
    expect(again.response.status).toBe(409);
    expect(again.error).toMatchObject({
      type: expect.stringContaining('invalid-transition'),
      allowed: ['archive'],
    });
    expect((await change(approved.requestId, { action: 'deny', reason: 'Too late' })).response.status).toBe(
      409,
    );

    // A denial needs its reason (400 by the schema); the requester sees it.
    expect((await change(denied.requestId, { action: 'deny' })).response.status).toBe(400);
    ok(await change(denied.requestId, { action: 'deny', reason: 'Use the spare stock' }), 'deny');
    const seen = ok(
      await apiAs(requester.token).GET('/optics/requests/{requestId}', {
        params: { path: { requestId: denied.requestId } },
      }),
      'read denied',
    );
    expect(seen).toMatchObject({ status: 'denied', decisionReason: 'Use the spare stock' });

    const archived = ok(await change(approved.requestId, { action: 'archive' }), 'archive');
    expect(archived.status).toBe('archived');
    expect(archived.events.map((event) => [event.action, event.from, event.to, event.actorId])).toEqual([
      ['create', null, 'pending', requester.userId],
      ['approve', 'pending', 'approved', admin.userId],
      ['archive', 'approved', 'archived', admin.userId],
    ]);
    const stuck = await change(approved.requestId, { action: 'archive' });
    expect(stuck.response.status).toBe(409);
    expect(stuck.error).toMatchObject({ allowed: [] });

    // Requesters may not decide, not even on their own request.
    const own = await apiAs(requester.token).PATCH('/optics/requests/{requestId}/status', {
      params: { path: { requestId: denied.requestId } },
      body: { action: 'archive' },
    });
    expect(own.response.status).toBe(403);
  });
});
