/**
 * Tickets linked to customers: what a ticket write adds to its transaction when it links or unlinks a customer,
 * and the check that the customer a ticket names is one the actor may see. Imported by the ticket operations, so
 * it stays small: the table, the customer's keys and the visibility rule.
 */
import { type CustomerItem, customerKey } from '#shared/customers/customer.entity.ts';
import { canSeeCustomer } from '#shared/customers/policy.ts';
import { getItem, itemExists, type TransactionWrite } from '#shared/platform/db.ts';
import { InvalidInput } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';

/** The refusal of a customer id that names no customer the actor may see (a reference that does not resolve). */
export const unknownCustomer = (pointer: string, where: 'body' | 'query' = 'body') =>
  new InvalidInput([
    {
      in: where,
      pointer,
      detail:
        'No customer with this id that you may see (customers are agents’ contacts: their owner, or canViewAll).',
    },
  ]);

/**
 * The customer a ticket is to name, if the actor may see it: they work tickets (`canManageTickets`, the customer
 * routes' permission) and own it or have `canViewAll`. One strongly consistent GetItem.
 * @throws InvalidInput (422, the field at `pointer`) otherwise: a requester never links a customer
 */
export async function linkableCustomer(
  actor: Actor,
  customerId: string,
  pointer = '/customerId',
  where: 'body' | 'query' = 'body',
): Promise<CustomerItem> {
  const customer = actor.permissions.canManageTickets
    ? await getItem<CustomerItem>(customerKey(customerId), { consistent: true })
    : undefined;
  if (!customer || !canSeeCustomer(actor, customer)) throw unknownCustomer(pointer, where);
  return customer;
}

/**
 * The writes that keep the customers' `ticketCount` in step with a ticket's link moving from `from` to `to`
 * (either may be absent): `ADD ticketCount 1` on the new customer, `-1` on the old, each conditioned on the
 * customer existing. In the ticket write's transaction, so a link and a delete of the customer (conditioned on
 * `ticketCount = 0`) can never both succeed.
 */
export function customerLinkWrites(from: string | undefined, to: string | undefined): TransactionWrite[] {
  if (from === to) return [];
  return [
    ...(to ? [{ update: customerKey(to), changes: { add: { ticketCount: 1 } }, condition: itemExists }] : []),
    ...(from
      ? [{ update: customerKey(from), changes: { add: { ticketCount: -1 } }, condition: itemExists }]
      : []),
  ];
}

/**
 * Whether a transaction was refused by one of its customer link writes (those from `first` on): the customer was
 * deleted between the check and the write.
 */
export const linkRefused = (reasons: readonly string[], first: number) =>
  reasons.slice(first).includes('ConditionalCheckFailed');
