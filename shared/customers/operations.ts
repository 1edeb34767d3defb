/**
 * Customer operations: plain values in, domain errors out, never HTTP. Writes that touch several items (the
 * customer, its email and name entries, linked tickets) are one TransactWriteItems call each, so a failure leaves
 * nothing half-written. Who may do what: `policy.ts`; the keys: `customer.entity.ts`.
 */
import { ulid } from 'ulid';
import {
  allCustomersPartition,
  type CustomerItem,
  customerIdOfSortKey,
  customerKey,
  customerRecord,
  directoryPartition,
  emailEntryKey,
  emailEntryPrefix,
  emailEntryRecord,
  nameEntryKey,
  nameEntryPrefix,
  nameEntryRecord,
  ownerCustomersPartition,
} from '#shared/customers/customer.entity.ts';
import { CustomerHasTickets, CustomerNotFound, DuplicateCustomerEmail } from '#shared/customers/errors.ts';
import { canSeeCustomer, customerListPlan, deleteRefusal, editRefusal } from '#shared/customers/policy.ts';
import type { CreateCustomerInput, UpdateCustomerInput } from '#shared/customers/schemas.ts';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import {
  attributesEqual,
  both,
  type Condition,
  getItem,
  getItems,
  type ItemKey,
  itemExists,
  itemIsNew,
  queryPage,
  type TransactionWrite,
  transactWrite,
} from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { Conflict, InvalidInput, NotAllowed, VersionConflict } from '#shared/platform/errors.ts';
import { logger } from '#shared/platform/logger.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { auditEventsOf, ticketChangeWrites } from '#shared/tickets/operations.ts';
import { customerTicketsPartition, type TicketItem } from '#shared/tickets/ticket.entity.ts';
import { nameKey } from '#shared/users/user.entity.ts';

/** A page of customers and the opaque cursor of the next page, or null at the end. */
export interface CustomerPage {
  readonly items: CustomerItem[];
  readonly nextCursor: string | null;
}

/** The email entry of an owner's email, read strongly consistent: who has it. */
const emailHolder = (ownerId: string, email: string) =>
  getItem<{ customerId: string }>(emailEntryKey(ownerId, email), { consistent: true });

/**
 * Create a customer owned by the actor. The customer, its email entry (`attribute_not_exists`: the owner's
 * uniqueness item) and its name entry are one transaction, so of two creates of one email at once exactly one
 * succeeds, and no read comes before the write.
 * @throws DuplicateCustomerEmail (409 with `existingCustomerId`) when another customer of the actor has the email
 */
export async function createCustomer(actor: Actor, input: CreateCustomerInput): Promise<CustomerItem> {
  const now = nowIso();
  const customer: CustomerItem = {
    customerId: ulid(),
    ownerId: actor.userId,
    name: input.name,
    email: input.email.toLowerCase(),
    phone: input.phone,
    company: input.company,
    notes: input.notes,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const result = await transactWrite([
    { put: customerRecord(customer), condition: itemIsNew },
    { put: emailEntryRecord(customer), condition: itemIsNew },
    { put: nameEntryRecord(customer) },
  ]);
  if (!result.ok) {
    if (result.reasons[1] === 'ConditionalCheckFailed') {
      throw new DuplicateCustomerEmail(
        customer.email,
        (await emailHolder(actor.userId, customer.email))?.customerId,
      );
    }
    throw new Conflict('Another customer was written at the same time; retry.');
  }
  return customer;
}

/**
 * The customer, if the actor may see it (its owner, or `canViewAll`). One strongly consistent GetItem, so a
 * customer is readable the moment it is created.
 * @throws CustomerNotFound when it does not exist or is not the actor's to see (the same answer)
 */
export async function findVisibleCustomer(actor: Actor, customerId: string): Promise<CustomerItem> {
  const customer = await getItem<CustomerItem>(customerKey(customerId), { consistent: true });
  if (!customer || !canSeeCustomer(actor, customer)) throw new CustomerNotFound();
  return customer;
}

/**
 * Customers, by the list the query names (`customerListPlan`): an owner's or every owner's, newest first (gsi11 or
 * gsi12, keys only), or one owner's whose email or name starts so (the owner's directory partition, by email or
 * name). Each page is one Query for at most `limit` entries, then one BatchGetItem of the customers.
 * @throws NotAllowed (another owner's, or every owner's, without `canViewAll`); InvalidInput (a combination no key
 *   serves; a cursor from another list, or altered)
 */
export async function listCustomers(
  actor: Actor,
  query: {
    ownerId?: string | undefined;
    all?: boolean | undefined;
    email?: string | undefined;
    name?: string | undefined;
  },
  page: { limit: number; cursor?: string | undefined },
): Promise<CustomerPage> {
  const plan = customerListPlan(actor, query);
  if (!plan.ok) {
    if (plan.refusal === 'not-allowed') throw new NotAllowed(plan.reason);
    throw new InvalidInput([plan.error], plan.error.detail);
  }
  if (plan.by === 'email' || plan.by === 'name') {
    const prefix =
      plan.by === 'email' ? `${emailEntryPrefix}${plan.prefix}` : `${nameEntryPrefix}${nameKey(plan.prefix)}`;
    const scope = `customers:${plan.by}:${plan.ownerId}:${prefix}`;
    const after = await decodeCursor(page.cursor, scope);
    const partition = directoryPartition(plan.ownerId);
    const { items: entries, lastKey } = await queryPage<ItemKey & { customerId: string }>({
      partition,
      beginsWith: ['sk', prefix],
      limit: page.limit,
      startKey: after ? { ...partition, sk: after } : undefined,
    });
    return {
      items: await customersInOrder(entries.map((entry) => entry.customerId)),
      nextCursor: lastKey ? await encodeCursor(entries.at(-1)?.sk, scope) : null,
    };
  }
  const [index, partition, sortKey] =
    plan.by === 'all'
      ? (['gsi12', allCustomersPartition(), 'gsi12sk'] as const)
      : (['gsi11', ownerCustomersPartition(plan.ownerId), 'gsi11sk'] as const);
  const scope = plan.by === 'all' ? 'customers:all' : `customers:owner:${plan.ownerId}`;
  // The position is the index sort key of the last customer read: `<createdAt>#<customerId>`.
  const after = await decodeCursor(page.cursor, scope);
  const { items: entries, lastKey } = await queryPage<Record<string, string>>({
    index,
    partition,
    descending: true,
    limit: page.limit,
    startKey: after
      ? { ...partition, [sortKey]: after, ...customerKey(customerIdOfSortKey(after)) }
      : undefined,
  });
  const sortKeys = entries.map((entry) => String(entry[sortKey]));
  return {
    items: await customersInOrder(sortKeys.map(customerIdOfSortKey)),
    nextCursor: lastKey ? await encodeCursor(sortKeys.at(-1), scope) : null,
  };
}

/** The customers with these ids, in this order (one BatchGetItem); those deleted meanwhile are left out. */
async function customersInOrder(ids: readonly string[]): Promise<CustomerItem[]> {
  const found = await getItems<CustomerItem>(ids.map(customerKey));
  const byId = new Map(found.map((customer) => [customer.customerId, customer]));
  return ids.map((id) => byId.get(id)).filter((customer): customer is CustomerItem => customer !== undefined);
}

/** Whether two optional values are the same (missing and null are both "empty"). */
const same = (a: unknown, b: unknown) => (a ?? undefined) === (b ?? undefined);

/**
 * Change a customer the actor can see: its owner, or `canEditAll`. Only what differs is written: the customer
 * (conditioned on the version read, `version` + 1) and, when the email or the name changes, its entries (the old
 * one deleted, the new one put; the new email entry with `attribute_not_exists`), in one transaction.
 * @param customer as read by {@link findVisibleCustomer}
 * @param expectedVersion the version the client last read (`If-Match`), if it sent one
 * @returns the customer after the change (as it was when nothing differs)
 * @throws NotAllowed (neither owner nor `canEditAll`); VersionConflict (stale `expectedVersion`, or a change
 *   meanwhile when one was given); DuplicateCustomerEmail (another customer of the owner has the new email);
 *   Conflict (a change meanwhile, without `expectedVersion`)
 */
export async function changeCustomer(
  actor: Actor,
  customer: CustomerItem,
  input: UpdateCustomerInput,
  expectedVersion: number | undefined,
): Promise<CustomerItem> {
  const refusal = editRefusal(actor, customer);
  if (refusal) throw new NotAllowed(refusal);
  if (expectedVersion !== undefined && expectedVersion !== customer.version) throw new VersionConflict();
  const wanted: Partial<Record<'name' | 'email' | 'phone' | 'company' | 'notes', string | undefined>> = {};
  if (input.name !== undefined) wanted.name = input.name;
  if (input.email !== undefined) wanted.email = input.email.toLowerCase();
  for (const field of ['phone', 'company', 'notes'] as const) {
    if (input[field] !== undefined) wanted[field] = input[field] ?? undefined;
  }
  const set = Object.fromEntries(
    Object.entries(wanted).filter(([field, value]) => !same(customer[field as keyof CustomerItem], value)),
  );
  if (Object.keys(set).length === 0) return customer;
  const now = nowIso();
  const after: CustomerItem = { ...customer, ...set, updatedAt: now, version: customer.version + 1 };
  const writes: TransactionWrite[] = [
    {
      update: customerKey(customer.customerId),
      changes: { set: { ...set, updatedAt: now, version: after.version } },
      condition: both(itemExists, attributesEqual({ version: customer.version })),
    },
  ];
  const emailChanged = after.email !== customer.email;
  if (emailChanged) {
    writes.push(
      { delete: emailEntryKey(customer.ownerId, customer.email), condition: entryOf(customer.customerId) },
      { put: emailEntryRecord(after), condition: itemIsNew },
    );
  }
  if (after.name !== customer.name) {
    writes.push({ delete: nameEntryKey(customer) }, { put: nameEntryRecord(after) });
  }
  const result = await transactWrite(writes);
  if (!result.ok) {
    if (emailChanged && result.reasons[2] === 'ConditionalCheckFailed') {
      throw new DuplicateCustomerEmail(
        after.email,
        (await emailHolder(customer.ownerId, after.email))?.customerId,
      );
    }
    const current = await getItem<CustomerItem>(customerKey(customer.customerId), { consistent: true });
    if (!current) throw new CustomerNotFound();
    if (expectedVersion !== undefined) throw new VersionConflict();
    throw new Conflict('The customer changed while you were editing it; read it again and retry.');
  }
  return after;
}

/** The entry names this customer (an email entry is deleted only by its own customer). */
const entryOf = (customerId: string): Condition => attributesEqual({ customerId });

/** Tickets unlinked per transaction by a forced delete: 2 writes each (ticket, audit event) + the customer. */
export const UNLINK_PAGE = 25;

/** Pages a forced delete unlinks at most per request (so at most 300 tickets); the rest: send it again. */
export const UNLINK_PAGES_PER_REQUEST = 12;

/**
 * Delete a customer the actor can see: its owner, or `canDeleteAll`. A customer with tickets is refused unless
 * `force`, which only `canDeleteAll` may send: the tickets are then unlinked first, synchronously, a page of
 * {@link UNLINK_PAGE} at a time, each page one transaction (the tickets' `customerId` removed, each conditioned on
 * its version as read and on still naming this customer, `version` + 1, a `customerId` audit event each, and the
 * customer's `ticketCount` lowered by the page's size), so whatever stops a request midway leaves every ticket
 * either linked and counted or unlinked with its event, and sending the request again goes on from there. At most
 * {@link UNLINK_PAGES_PER_REQUEST} pages per request. The tickets and their history stay. Finally the customer and
 * its entries go in one transaction conditioned on `ticketCount = 0` and the version as read, so a ticket linked
 * meanwhile keeps the customer.
 * @param customer as read by {@link findVisibleCustomer}
 * @throws NotAllowed (neither owner nor `canDeleteAll`; `force` without `canDeleteAll`); CustomerHasTickets (409
 *   with `ticketCount`: tickets and no `force`, or more than one request's pages of them); VersionConflict;
 *   CustomerNotFound (deleted meanwhile)
 */
export async function deleteCustomer(
  actor: Actor,
  customer: CustomerItem,
  options: { force: boolean },
  expectedVersion: number | undefined,
): Promise<{ unlinked: number }> {
  const refusal = deleteRefusal(actor, customer, options.force);
  if (refusal) throw new NotAllowed(refusal);
  if (expectedVersion !== undefined && expectedVersion !== customer.version) throw new VersionConflict();
  if ((customer.ticketCount ?? 0) > 0 && !options.force)
    throw new CustomerHasTickets(customer.ticketCount ?? 0);
  let unlinked = 0;
  let remaining = customer.ticketCount ?? 0;
  for (let round = 0; remaining > 0 && round < UNLINK_PAGES_PER_REQUEST; round++) {
    const page = await unlinkPage(actor, customer.customerId);
    unlinked += page.unlinked;
    remaining = page.remaining;
    // The index lags the table a moment: a ticket linked just now may not be listed yet.
    if (page.unlinked === 0 && remaining > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (remaining > 0) {
    throw new CustomerHasTickets(
      remaining,
      `${unlinked} ticket(s) were unlinked; ${remaining} remain: send the request again to go on.`,
    );
  }
  const result = await transactWrite([
    {
      delete: customerKey(customer.customerId),
      condition: both(attributesEqual({ version: customer.version }), {
        expression: 'attribute_not_exists(ticketCount) OR ticketCount = :none',
        values: { ':none': 0 },
      }),
    },
    { delete: emailEntryKey(customer.ownerId, customer.email), condition: entryOf(customer.customerId) },
    { delete: nameEntryKey(customer) },
  ]);
  if (!result.ok) {
    const current = await getItem<CustomerItem>(customerKey(customer.customerId), { consistent: true });
    if (!current) throw new CustomerNotFound();
    if ((current.ticketCount ?? 0) > 0) throw new CustomerHasTickets(current.ticketCount ?? 0);
    if (expectedVersion !== undefined) throw new VersionConflict();
    throw new Conflict('The customer changed while you were deleting it; read it again and retry.');
  }
  logger.info('Customer deleted', { customerId: customer.customerId, by: actor.userId, unlinked });
  return { unlinked };
}

/**
 * Unlink one page of the customer's tickets in one transaction (see {@link deleteCustomer}).
 * @returns how many were unlinked, and how many the customer still counts
 */
async function unlinkPage(
  actor: Actor,
  customerId: string,
): Promise<{ unlinked: number; remaining: number }> {
  const { items: entries } = await queryPage<ItemKey>({
    index: 'gsi12',
    partition: customerTicketsPartition(customerId),
    limit: UNLINK_PAGE,
  });
  const tickets = (await getItems<TicketItem>(entries.map(({ pk, sk }) => ({ pk, sk })))).filter(
    (ticket) => ticket.customerId === customerId,
  );
  if (tickets.length > 0) {
    const now = nowIso();
    const writes = tickets.flatMap((ticket) => {
      const set = { customerId: undefined, updatedAt: now };
      return ticketChangeWrites(ticket, set, auditEventsOf(ticket, set, actor.userId, now), {
        condition: attributesEqual({ customerId }),
      });
    });
    const result = await transactWrite([
      ...writes,
      {
        update: customerKey(customerId),
        changes: { add: { ticketCount: -tickets.length } },
        condition: itemExists,
      },
    ]);
    const current = await getItem<CustomerItem>(customerKey(customerId), { consistent: true });
    if (!current) throw new CustomerNotFound();
    // A ticket changed meanwhile cancels the page: the next round reads it again.
    return { unlinked: result.ok ? tickets.length : 0, remaining: current.ticketCount ?? 0 };
  }
  const current = await getItem<CustomerItem>(customerKey(customerId), { consistent: true });
  if (!current) throw new CustomerNotFound();
  return { unlinked: 0, remaining: current.ticketCount ?? 0 };
}
