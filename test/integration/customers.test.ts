/**
 * Customers through the HTTP API on the local stack, as clients call them (the typed client, `apiAs`): who may use
 * them, see, edit and delete them; the lists and the email and name searches; the duplicate-email rule (also under
 * concurrent creates); tickets linked to a customer (`customerId` on create and change, `GET /tickets?customerId=`,
 * the customer's tickets on `GET /customers/{customerId}`); and deleting a customer with tickets (409, or
 * `force=true` by `canDeleteAll`, which unlinks them and keeps the tickets and their history).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type operations, problemOf, type Schema } from '../../client/index.ts';
import { api, apiAs, demoPassword, logIn, newRequester, ok, type Session } from './support.ts';

const accounts = inject('demoAccounts');

let admin: Session;
let agent: Session;
let colleague: Session;
/** A custom role with only `canManageTickets`: uses customers, sees only their own. */
let clerk: Session;
let requester: Session;

const as = (session: Session) => apiAs(session.token);
const unique = () => randomUUID().slice(0, 8);

/** An account of `role` made by the admin, with its own password set at the first sign-in. */
async function staff(role: string, name: string): Promise<Session> {
  const email = `customers-${unique()}@example.com`;
  const made = ok(await as(admin).POST('/users', { body: { email, name, role } }), `user ${role}`);
  const first = await api.POST('/auth/login', { body: { email, password: made.temporaryPassword } });
  const session = String(problemOf(first)?.session);
  ok(await api.POST('/auth/password', { body: { session, newPassword: demoPassword } }), 'password');
  return logIn(email, demoPassword);
}

beforeAll(async () => {
  admin = await logIn(accounts.admin.email, accounts.admin.password);
  const clerkRole = `clerk-${unique()}`;
  ok(
    await as(admin).POST('/roles', { body: { name: clerkRole, permissions: { canManageTickets: true } } }),
    'clerk role',
  );
  [agent, colleague, clerk, requester] = await Promise.all([
    staff('agent', 'Casey Customers'),
    staff('agent', 'Colin Colleague'),
    staff(clerkRole, 'Clara Clerk'),
    newRequester('Rita Requester'),
  ]);
});

type CustomerInput = Schema<'CreateCustomerRequest'>;
const person = (name = 'John Anderson'): CustomerInput => ({
  name,
  email: `${name.split(' ')[0]?.toLowerCase()}-${unique()}@acme.example`,
});

async function newCustomer(session: Session, body: CustomerInput = person()) {
  const created = await as(session).POST('/customers', { body });
  expect(created.response.status).toBe(201);
  return ok(created, 'create customer');
}

const getCustomer = (session: Session, customerId: string, query: { limit?: number; cursor?: string } = {}) =>
  as(session).GET('/customers/{customerId}', { params: { path: { customerId }, query } });

const patchCustomer = (
  session: Session,
  customerId: string,
  body: Schema<'UpdateCustomerRequest'>,
  ifMatch?: string,
) =>
  as(session).PATCH('/customers/{customerId}', {
    params: { path: { customerId }, ...(ifMatch ? { header: { 'if-match': ifMatch } } : {}) },
    body,
  });

const deleteCustomer = (session: Session, customerId: string, force?: boolean) =>
  as(session).DELETE('/customers/{customerId}', {
    params: {
      path: { customerId },
      ...(force === undefined ? {} : { query: { force: force ? 'true' : 'false' } }),
    },
  });

type ListQuery = NonNullable<operations['ListCustomers']['parameters']['query']>;
const list = (session: Session, query: ListQuery = {}) =>
  as(session).GET('/customers', { params: { query } });

/** A ticket the admin opens (agents may not create tickets), optionally for a customer. */
async function newTicket(title: string, customerId?: string) {
  const created = await as(admin).POST('/tickets', {
    body: { title, description: `About ${title}`, ...(customerId ? { customerId } : {}) },
  });
  return ok(created, 'create ticket');
}

describe('who may use customers', () => {
  it('refuses requesters (and roles without canManageTickets) with 403 on every route', async () => {
    const mine = await newCustomer(agent);
    expect((await as(requester).POST('/customers', { body: person() })).response.status).toBe(403);
    expect((await list(requester)).response.status).toBe(403);
    expect((await getCustomer(requester, mine.customerId)).response.status).toBe(403);
    expect((await patchCustomer(requester, mine.customerId, { notes: 'x' })).response.status).toBe(403);
    expect((await deleteCustomer(requester, mine.customerId)).response.status).toBe(403);
  });

  it('shows a customer to its owner and to canViewAll; anyone else gets 404', async () => {
    const theirs = await newCustomer(colleague);
    expect(ok(await getCustomer(colleague, theirs.customerId), 'owner').name).toBe(theirs.name);
    expect(ok(await getCustomer(agent, theirs.customerId), 'canViewAll').customerId).toBe(theirs.customerId);
    const hidden = await getCustomer(clerk, theirs.customerId);
    expect(hidden.response.status).toBe(404);
    // Not theirs to see, so not theirs to change either: the same 404.
    expect((await patchCustomer(clerk, theirs.customerId, { notes: 'x' })).response.status).toBe(404);
    expect((await deleteCustomer(clerk, theirs.customerId)).response.status).toBe(404);
  });

  it('lets the owner or canEditAll edit, and the owner or canDeleteAll delete (an agent lacks canDeleteAll)', async () => {
    const adminsCustomer = await newCustomer(admin);
    // An agent has canEditAll: they may correct a colleague's contact.
    const edited = ok(await patchCustomer(agent, adminsCustomer.customerId, { company: 'Acme' }), 'edit');
    expect(edited).toMatchObject({ company: 'Acme', ownerId: admin.userId, version: 2 });
    // An agent has no canDeleteAll: another owner's customer is not theirs to delete.
    const refused = await deleteCustomer(agent, adminsCustomer.customerId);
    expect(refused.response.status).toBe(403);
    // The owner deletes their own.
    const own = await newCustomer(agent);
    expect((await deleteCustomer(agent, own.customerId)).response.status).toBe(204);
    expect((await getCustomer(agent, own.customerId)).response.status).toBe(404);
    // canDeleteAll deletes anyone's.
    expect((await deleteCustomer(admin, adminsCustomer.customerId)).response.status).toBe(204);
  });
});

describe('creating, reading and changing a customer', () => {
  it('creates with Location and ETag, stores the email lower-cased, and validates the body', async () => {
    const email = `Mixed.Case-${unique()}@Acme.Example`;
    const created = await as(agent).POST('/customers', {
      body: { name: 'Mia Mixed', email, phone: '+15555550123', company: 'Acme', notes: 'VIP' },
    });
    expect(created.response.status).toBe(201);
    const customer = ok(created, 'create');
    expect(customer).toMatchObject({
      ownerId: agent.userId,
      name: 'Mia Mixed',
      email: email.toLowerCase(),
      phone: '+15555550123',
      company: 'Acme',
      notes: 'VIP',
      ticketCount: 0,
      version: 1,
    });
    expect(created.response.headers.get('location')).toBe(`/customers/${customer.customerId}`);
    expect(created.response.headers.get('etag')).toBe(`"${customer.customerId}.1"`);
    const read = await getCustomer(agent, customer.customerId);
    expect(ok(read, 'read')).toMatchObject({ ...customer, tickets: [], ticketsNextCursor: null });
    expect(read.response.headers.get('etag')).toBe(`"${customer.customerId}.1"`);

    const invalid = await as(agent).POST('/customers', {
      body: { name: ' ', email: 'not-an-email', phone: '555' } as CustomerInput,
    });
    expect(invalid.response.status).toBe(400);
    const pointers = (problemOf(invalid)?.errors ?? []).map((error) => error.pointer).sort();
    expect(pointers).toEqual(['/email', '/name', '/phone']);
  });

  it('changes fields with If-Match (412 when stale) and clears optional ones with null', async () => {
    const customer = await newCustomer(agent, {
      ...person('Pat Patch'),
      phone: '+15555550100',
      notes: 'old',
    });
    const changed = await patchCustomer(
      agent,
      customer.customerId,
      { notes: null, company: 'Initech' },
      `"${customer.customerId}.1"`,
    );
    expect(ok(changed, 'patch')).toMatchObject({
      notes: null,
      phone: '+15555550100',
      company: 'Initech',
      version: 2,
    });
    expect(changed.response.headers.get('etag')).toBe(`"${customer.customerId}.2"`);
    const stale = await patchCustomer(
      agent,
      customer.customerId,
      { company: 'Other' },
      `"${customer.customerId}.1"`,
    );
    expect(stale.response.status).toBe(412);
    expect(ok(await getCustomer(agent, customer.customerId), 'read').company).toBe('Initech');
  });
});

describe('duplicate emails', () => {
  it('refuses a second customer of the same owner with the email (any case): 409 naming the existing one', async () => {
    const first = await newCustomer(agent);
    const again = await as(agent).POST('/customers', {
      body: { name: 'Someone Else', email: first.email.toUpperCase() },
    });
    expect(again.response.status).toBe(409);
    expect(problemOf(again)).toMatchObject({ existingCustomerId: first.customerId });
    expect(problemOf(again)?.detail).toContain(first.customerId);
  });

  it('lets two owners each have the same person', async () => {
    const mine = await newCustomer(agent);
    const theirs = await newCustomer(colleague, { name: mine.name, email: mine.email });
    expect(theirs.customerId).not.toBe(mine.customerId);
    expect(theirs.ownerId).toBe(colleague.userId);
  });

  it('refuses an edit to an email another customer of the owner has, and frees an email that was changed', async () => {
    const a = await newCustomer(agent);
    const b = await newCustomer(agent);
    const clash = await patchCustomer(agent, b.customerId, { email: a.email });
    expect(clash.response.status).toBe(409);
    expect(problemOf(clash)).toMatchObject({ existingCustomerId: a.customerId });
    // a moves to a new email: its old one is free again.
    const moved = `moved-${unique()}@acme.example`;
    ok(await patchCustomer(agent, a.customerId, { email: moved }), 'move a');
    expect(ok(await patchCustomer(agent, b.customerId, { email: a.email }), 'b takes it').email).toBe(
      a.email,
    );
    // and the email of a deleted customer too.
    expect((await deleteCustomer(agent, a.customerId)).response.status).toBe(204);
    await newCustomer(agent, { name: 'Reborn', email: moved });
  });

  it('lets exactly one of concurrent creates of one email win', async () => {
    const email = `race-${unique()}@acme.example`;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        as(agent).POST('/customers', { body: { name: `Racer ${n}`, email } }),
      ),
    );
    const statuses = results.map((result) => result.response.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const [winner] = results.filter((result) => result.response.status === 201);
    const winnerId = winner?.data?.customerId;
    expect(winnerId).toBeDefined();
    for (const loser of results.filter((result) => result.response.status === 409)) {
      expect(problemOf(loser)).toMatchObject({ existingCustomerId: winnerId });
    }
    const found = ok(await list(agent, { email }), 'search');
    expect(found.items.map((customer) => customer.customerId)).toEqual([winnerId]);
  });
});

describe('lists and searches', () => {
  it("lists the caller's own customers newest first, page by page", async () => {
    const owner = await staff('agent', 'Lena Lister');
    const made = [];
    for (const n of [1, 2, 3]) made.push(await newCustomer(owner, person(`Listed ${n}`)));
    await newCustomer(agent); // someone else's: never in the owner's list
    const first = ok(await list(owner, { limit: 2 }), 'page 1');
    expect(first.items.map((c) => c.customerId)).toEqual([made[2]?.customerId, made[1]?.customerId]);
    expect(first.nextCursor).not.toBeNull();
    const second = ok(await list(owner, { limit: 2, cursor: first.nextCursor ?? '' }), 'page 2');
    expect(second.items.map((c) => c.customerId)).toEqual([made[0]?.customerId]);
    expect(second.nextCursor).toBeNull();
    // A cursor of another list is refused.
    const foreign = await list(agent, { limit: 2, cursor: first.nextCursor ?? '' });
    expect(foreign.response.status).toBe(422);
  });

  it("shows another owner's customers (ownerId) and every owner's (all=true) to canViewAll only", async () => {
    const theirs = await newCustomer(colleague);
    const byOwner = ok(await list(agent, { ownerId: colleague.userId, limit: 100 }), 'by owner');
    expect(byOwner.items.map((c) => c.customerId)).toContain(theirs.customerId);
    expect(byOwner.items.every((c) => c.ownerId === colleague.userId)).toBe(true);
    const every = ok(await list(agent, { all: 'true', limit: 5 }), 'all');
    expect(every.items.length).toBeGreaterThan(0);
    const times = every.items.map((c) => c.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await list(clerk, { ownerId: colleague.userId })).response.status).toBe(403);
    expect((await list(clerk, { all: 'true' })).response.status).toBe(403);
    // The clerk's own list works.
    const own = await newCustomer(clerk);
    expect(ok(await list(clerk), 'clerk').items.map((c) => c.customerId)).toEqual([own.customerId]);
  });

  it('searches one owner’s customers by email prefix and by name prefix (case and accents ignored)', async () => {
    const tag = unique();
    const zoe = await newCustomer(agent, { name: `Zoë Quartz${tag}`, email: `zq-${tag}-a@acme.example` });
    const zeb = await newCustomer(agent, { name: `Zeb Quartz${tag}`, email: `zq-${tag}-b@acme.example` });
    const other = await newCustomer(colleague, {
      name: `Zoe Quartz${tag}`,
      email: `zq-${tag}-a@acme.example`,
    });
    const byEmail = ok(await list(agent, { email: `ZQ-${tag}` }), 'email');
    expect(byEmail.items.map((c) => c.customerId)).toEqual([zoe.customerId, zeb.customerId]);
    const byName = ok(await list(agent, { name: `zoe quartz${tag}` }), 'name');
    expect(byName.items.map((c) => c.customerId)).toEqual([zoe.customerId]);
    const page = ok(await list(agent, { email: `zq-${tag}`, limit: 1 }), 'paged');
    expect(page.items.map((c) => c.customerId)).toEqual([zoe.customerId]);
    const next = ok(
      await list(agent, { email: `zq-${tag}`, limit: 1, cursor: page.nextCursor ?? '' }),
      'next',
    );
    expect(next.items.map((c) => c.customerId)).toEqual([zeb.customerId]);
    const theirs = ok(await list(agent, { ownerId: colleague.userId, name: `Zoe Quartz${tag}` }), 'theirs');
    expect(theirs.items.map((c) => c.customerId)).toEqual([other.customerId]);
  });

  it('refuses combinations no key serves with 422', async () => {
    const both = await list(agent, { email: 'a', name: 'a' });
    expect(both.response.status).toBe(422);
    expect(problemOf(both)?.errors?.[0]?.pointer).toBe('/name');
    expect((await list(agent, { all: 'true', email: 'a' })).response.status).toBe(422);
    expect((await list(agent, { all: 'true', ownerId: colleague.userId })).response.status).toBe(422);
  });
});

describe('tickets of a customer', () => {
  it('takes customerId on create and change, shows it, and lists the customer’s tickets newest first', async () => {
    const customer = await newCustomer(admin);
    const first = await newTicket('First for the customer', customer.customerId);
    expect(first.customerId).toBe(customer.customerId);
    const second = await newTicket('Second, linked later');
    expect(second.customerId).toBeNull();
    const linked = await as(agent).PATCH('/tickets/{ticketId}', {
      params: { path: { ticketId: second.ticketId } },
      body: { customerId: customer.customerId },
    });
    expect(ok(linked, 'link').customerId).toBe(customer.customerId);
    const read = ok(
      await as(agent).GET('/tickets/{ticketId}', { params: { path: { ticketId: first.ticketId } } }),
      'ticket',
    );
    expect(read.customerId).toBe(customer.customerId);
    // The link is in the ticket's audit trail.
    const events = ok(
      await as(agent).GET('/tickets/{ticketId}/events', { params: { path: { ticketId: second.ticketId } } }),
      'events',
    );
    expect(events.items).toContainEqual(
      expect.objectContaining({ field: 'customerId', from: null, to: customer.customerId }),
    );

    const listed = ok(
      await as(agent).GET('/tickets', { params: { query: { customerId: customer.customerId } } }),
      'tickets of customer',
    );
    expect(listed.items.map((t) => t.ticketId)).toEqual([second.ticketId, first.ticketId]);
    const paged = ok(await getCustomer(agent, customer.customerId, { limit: 1 }), 'customer with tickets');
    expect(paged.ticketCount).toBe(2);
    expect(paged.tickets.map((t) => t.ticketId)).toEqual([second.ticketId]);
    // The customer's cursor continues in GET /tickets?customerId= (one list).
    const rest = ok(
      await as(agent).GET('/tickets', {
        params: {
          query: { customerId: customer.customerId, limit: 1, cursor: paged.ticketsNextCursor ?? '' },
        },
      }),
      'rest',
    );
    expect(rest.items.map((t) => t.ticketId)).toEqual([first.ticketId]);
    // Another filter with customerId is not served.
    const combined = await as(agent).GET('/tickets', {
      params: { query: { customerId: customer.customerId, status: 'open' } },
    });
    expect(combined.response.status).toBe(422);
  });

  it('refuses a customer the caller may not see with 422 on /customerId (requesters never link one)', async () => {
    const theirs = await newCustomer(colleague);
    const byRequester = await as(requester).POST('/tickets', {
      body: { title: 'Mine', description: 'Linked?', customerId: theirs.customerId },
    });
    expect(byRequester.response.status).toBe(422);
    expect(problemOf(byRequester)?.errors?.[0]?.pointer).toBe('/customerId');
    const ticket = await newTicket('For the clerk');
    const byClerk = await as(clerk).PATCH('/tickets/{ticketId}', {
      params: { path: { ticketId: ticket.ticketId } },
      body: { customerId: theirs.customerId },
    });
    // The clerk cannot see the ticket either (no canViewAll): 404 before anything else.
    expect(byClerk.response.status).toBe(404);
    const unknown = await as(agent).PATCH('/tickets/{ticketId}', {
      params: { path: { ticketId: ticket.ticketId } },
      body: { customerId: '01JDC5TMR00000000000000001' },
    });
    expect(unknown.response.status).toBe(422);
    expect(problemOf(unknown)?.errors?.[0]?.pointer).toBe('/customerId');
    const listedByClerk = await as(clerk).GET('/tickets', {
      params: { query: { customerId: theirs.customerId } },
    });
    expect(listedByClerk.response.status).toBe(422);
  });

  it('lets only agents change a ticket’s customer (a requester’s own ticket: 403)', async () => {
    const customer = await newCustomer(admin);
    const own = ok(
      await as(requester).POST('/tickets', { body: { title: 'Own', description: 'Own ticket' } }),
      'own',
    );
    const refused = await as(requester).PATCH('/tickets/{ticketId}', {
      params: { path: { ticketId: own.ticketId } },
      body: { customerId: customer.customerId },
    });
    expect(refused.response.status).toBe(403);
  });
});

describe('deleting a customer with tickets', () => {
  it('is a 409 while tickets are linked; unlinking them (or deleting them) lets the delete go', async () => {
    const customer = await newCustomer(admin);
    const a = await newTicket('Linked A', customer.customerId);
    const b = await newTicket('Linked B', customer.customerId);
    const refused = await deleteCustomer(admin, customer.customerId);
    expect(refused.response.status).toBe(409);
    expect(problemOf(refused)).toMatchObject({ ticketCount: 2 });
    ok(
      await as(agent).PATCH('/tickets/{ticketId}', {
        params: { path: { ticketId: a.ticketId } },
        body: { customerId: null },
      }),
      'unlink a',
    );
    expect(
      (await as(admin).DELETE('/tickets/{ticketId}', { params: { path: { ticketId: b.ticketId } } })).response
        .status,
    ).toBe(204);
    expect(ok(await getCustomer(admin, customer.customerId), 'count').ticketCount).toBe(0);
    expect((await deleteCustomer(admin, customer.customerId)).response.status).toBe(204);
  });

  it('with force=true unlinks page after page (25 tickets a transaction) until none is left', async () => {
    const customer = await newCustomer(admin);
    const titles = Array.from({ length: 30 }, (_, n) => `Paged ${n}`);
    const made = [];
    for (let start = 0; start < titles.length; start += 5) {
      made.push(
        ...(await Promise.all(titles.slice(start, start + 5).map((t) => newTicket(t, customer.customerId)))),
      );
    }
    expect(ok(await getCustomer(admin, customer.customerId), 'count').ticketCount).toBe(30);
    expect((await deleteCustomer(admin, customer.customerId, true)).response.status).toBe(204);
    const reads = await Promise.all(
      made.map(async (ticket) =>
        ok(
          await as(admin).GET('/tickets/{ticketId}', { params: { path: { ticketId: ticket.ticketId } } }),
          'read',
        ),
      ),
    );
    expect(reads.every((ticket) => ticket.customerId === null)).toBe(true);
  });

  it('honours If-Match on delete (412 when stale)', async () => {
    const customer = await newCustomer(agent);
    ok(await patchCustomer(agent, customer.customerId, { notes: 'changed' }), 'change');
    const stale = await as(agent).DELETE('/customers/{customerId}', {
      params: {
        path: { customerId: customer.customerId },
        header: { 'if-match': `"${customer.customerId}.1"` },
      },
    });
    expect(stale.response.status).toBe(412);
    const current = await as(agent).DELETE('/customers/{customerId}', {
      params: {
        path: { customerId: customer.customerId },
        header: { 'if-match': `"${customer.customerId}.2"` },
      },
    });
    expect(current.response.status).toBe(204);
  });

  it('with force=true by canDeleteAll unlinks the tickets, which stay with their history', async () => {
    const customer = await newCustomer(agent);
    const tickets = [];
    for (const n of [1, 2, 3]) tickets.push(await newTicket(`Forced ${n}`, customer.customerId));
    // An agent (the owner, without canDeleteAll) may not force.
    const byOwner = await deleteCustomer(agent, customer.customerId, true);
    expect(byOwner.response.status).toBe(403);
    expect((await deleteCustomer(agent, customer.customerId)).response.status).toBe(409);
    expect((await deleteCustomer(admin, customer.customerId, true)).response.status).toBe(204);
    expect((await getCustomer(admin, customer.customerId)).response.status).toBe(404);
    for (const ticket of tickets) {
      const read = ok(
        await as(admin).GET('/tickets/{ticketId}', { params: { path: { ticketId: ticket.ticketId } } }),
        'ticket stays',
      );
      expect(read).toMatchObject({ customerId: null, title: ticket.title, version: ticket.version + 1 });
      const events = ok(
        await as(admin).GET('/tickets/{ticketId}/events', {
          params: { path: { ticketId: ticket.ticketId } },
        }),
        'history',
      );
      expect(events.items.map((event) => event.field)).toEqual(['created', 'customerId']);
      expect(events.items[1]).toMatchObject({
        from: customer.customerId,
        to: null,
        actor: { userId: admin.userId },
      });
    }
    // The customer is gone: its ticket list names nothing that resolves.
    const gone = await as(admin).GET('/tickets', { params: { query: { customerId: customer.customerId } } });
    expect(gone.response.status).toBe(422);
  });
});
