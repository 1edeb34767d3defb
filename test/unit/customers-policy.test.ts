/**
 * The customers' pure rules: who sees, edits and deletes a customer, which list a query names, the keys of the
 * customer, its directory entries and a linked ticket, and the request schemas.
 */
import { describe, expect, it } from 'vitest';
import { customerRecord, emailEntryRecord, nameEntryRecord } from '#shared/customers/customer.entity.ts';
import { customerLinkWrites } from '#shared/customers/links.ts';
import { canSeeCustomer, customerListPlan, deleteRefusal, editRefusal } from '#shared/customers/policy.ts';
import { CreateCustomerBody, ListCustomersQuery, UpdateCustomerBody } from '#shared/customers/schemas.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { builtInRoles } from '#shared/roles/roles.ts';
import { type TicketItem, ticketIndexKeyChanges, ticketIndexKeys } from '#shared/tickets/ticket.entity.ts';

const actor = (userId: string, role: 'admin' | 'agent' | 'requester'): Actor => ({
  userId,
  role,
  permissions: builtInRoles[role],
});
const clerk: Actor = {
  userId: 'clerk',
  role: 'clerk',
  permissions: { ...builtInRoles.requester, canCreateTickets: false, canManageTickets: true },
};
const owner = actor('owner', 'agent');
const colleague = actor('colleague', 'agent');
const admin = actor('admin', 'admin');
const customer = { ownerId: 'owner' };

describe('who may see, edit and delete a customer', () => {
  it('shows it to its owner and to canViewAll only', () => {
    expect(canSeeCustomer(owner, customer)).toBe(true);
    expect(canSeeCustomer(colleague, customer)).toBe(true);
    expect(canSeeCustomer(clerk, customer)).toBe(false);
  });

  it('lets the owner or canEditAll edit', () => {
    expect(editRefusal(owner, customer)).toBeUndefined();
    expect(editRefusal(colleague, customer)).toBeUndefined();
    expect(editRefusal({ ...clerk, userId: 'x' }, customer)).toMatch(/owner/);
  });

  it('lets the owner or canDeleteAll delete, and only canDeleteAll force', () => {
    expect(deleteRefusal(owner, customer, false)).toBeUndefined();
    expect(deleteRefusal(colleague, customer, false)).toMatch(/canDeleteAll/);
    expect(deleteRefusal(owner, customer, true)).toMatch(/force/);
    expect(deleteRefusal(admin, customer, true)).toBeUndefined();
  });
});

describe('customerListPlan', () => {
  it('lists mine by default, another owner’s or everyone’s with canViewAll', () => {
    expect(customerListPlan(owner, {})).toEqual({ ok: true, by: 'owner', ownerId: 'owner' });
    expect(customerListPlan(owner, { ownerId: 'colleague' })).toEqual({
      ok: true,
      by: 'owner',
      ownerId: 'colleague',
    });
    expect(customerListPlan(owner, { all: true })).toEqual({ ok: true, by: 'all' });
    expect(customerListPlan(clerk, { ownerId: 'owner' })).toMatchObject({
      ok: false,
      refusal: 'not-allowed',
    });
    expect(customerListPlan(clerk, { all: true })).toMatchObject({ ok: false, refusal: 'not-allowed' });
  });

  it('searches one owner by email (lower-cased) or name, and refuses what no key serves', () => {
    expect(customerListPlan(owner, { email: 'Jo@' })).toEqual({
      ok: true,
      by: 'email',
      ownerId: 'owner',
      prefix: 'jo@',
    });
    expect(customerListPlan(owner, { name: 'Jo' })).toMatchObject({ ok: true, by: 'name', prefix: 'Jo' });
    expect(customerListPlan(owner, { email: 'a', name: 'b' })).toMatchObject({
      ok: false,
      refusal: 'invalid',
      error: { pointer: '/name' },
    });
    expect(customerListPlan(owner, { all: true, name: 'b' })).toMatchObject({
      ok: false,
      refusal: 'invalid',
    });
    expect(customerListPlan(owner, { all: true, ownerId: 'x' })).toMatchObject({
      ok: false,
      refusal: 'invalid',
    });
  });
});

describe('keys', () => {
  const item = {
    customerId: '01JDC5TMR00000000000000001',
    ownerId: 'owner',
    name: ' Zoë Quartz',
    email: 'zoe@acme.example',
    createdAt: '2026-12-01T08:00:00.000Z',
    updatedAt: '2026-12-01T08:00:00.000Z',
    version: 1,
  };

  it('puts a customer in its owner’s list (gsi11) and the every-customer list (gsi12), newest first', () => {
    expect(customerRecord(item)).toMatchObject({
      pk: `CUSTOMER#${item.customerId}`,
      sk: 'CUSTOMER',
      gsi11pk: 'CUSTOMERS_OF#owner',
      gsi11sk: `${item.createdAt}#${item.customerId}`,
      gsi12pk: 'CUSTOMERS',
      gsi12sk: `${item.createdAt}#${item.customerId}`,
      entityType: 'customer',
    });
  });

  it('keys the directory entries by owner: the email (uniqueness) and the folded name', () => {
    expect(emailEntryRecord({ ...item, email: 'Zoe@Acme.Example' })).toMatchObject({
      pk: 'CUSTOMER_DIRECTORY#owner',
      sk: 'EMAIL#zoe@acme.example',
      customerId: item.customerId,
    });
    expect(nameEntryRecord(item)).toMatchObject({
      pk: 'CUSTOMER_DIRECTORY#owner',
      sk: `NAME#zoe quartz#${item.customerId}`,
    });
  });

  it('indexes a linked ticket under its customer (gsi12) and removes the keys when unlinked', () => {
    const ticket = {
      ticketId: '01JD8X5E7Q3M2N4P6R8T0V2W4Y',
      createdAt: '2026-12-01T08:00:00.000Z',
      requesterId: 'r',
      status: 'open',
      priority: 'low',
      type: 'question',
      customerId: item.customerId,
    } as TicketItem;
    expect(ticketIndexKeys(ticket)).toMatchObject({
      gsi12pk: `CUSTOMER#${item.customerId}`,
      gsi12sk: `${ticket.createdAt}#${ticket.ticketId}`,
    });
    expect(ticketIndexKeyChanges(ticket, { ...ticket, customerId: undefined })).toEqual({
      gsi12pk: undefined,
      gsi12sk: undefined,
    });
  });

  it('counts a link on the new customer and an unlink on the old, each conditioned on the customer existing', () => {
    expect(customerLinkWrites('a', 'a')).toEqual([]);
    const writes = customerLinkWrites('old', 'new');
    expect(writes).toMatchObject([
      { update: { pk: 'CUSTOMER#new' }, changes: { add: { ticketCount: 1 } } },
      { update: { pk: 'CUSTOMER#old' }, changes: { add: { ticketCount: -1 } } },
    ]);
  });
});

describe('schemas', () => {
  it('requires name and email, checks the phone, and refuses unknown fields', () => {
    expect(CreateCustomerBody.safeParse({ name: 'A', email: 'a@b.example' }).success).toBe(true);
    expect(CreateCustomerBody.safeParse({ name: 'A' }).success).toBe(false);
    expect(CreateCustomerBody.safeParse({ name: 'A', email: 'a@b.example', phone: '555' }).success).toBe(
      false,
    );
    expect(CreateCustomerBody.safeParse({ name: 'A', email: 'a@b.example', ownerId: 'x' }).success).toBe(
      false,
    );
  });

  it('takes at least one field to change, null clearing the optional ones', () => {
    expect(UpdateCustomerBody.safeParse({}).success).toBe(false);
    expect(UpdateCustomerBody.safeParse({ notes: null }).success).toBe(true);
    expect(UpdateCustomerBody.safeParse({ name: null }).success).toBe(false);
  });

  it('decodes all=true and refuses unknown query parameters', () => {
    expect(ListCustomersQuery.safeParse({ all: 'true' }).data?.all).toBe(true);
    expect(ListCustomersQuery.safeParse({ mine: 'true' }).success).toBe(false);
  });
});
