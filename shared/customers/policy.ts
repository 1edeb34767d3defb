/**
 * Who may see, change and delete a customer, and which list a query asks for. Pure: no AWS, unit-tested in
 * `test/unit/customers-policy.test.ts`.
 *
 * Customers are an agent's tool: every customer route needs `canManageTickets` (agents and admins; requesters
 * and other roles without it get 403 from the route row). Then:
 * - see: the owner, or `canViewAll` (anyone else gets 404, as for an object that does not exist);
 * - edit: the owner, or `canEditAll` (so an agent, who has it, may correct a colleague's contact);
 * - delete: the owner, or `canDeleteAll`; deleting a customer that still has tickets needs `force=true`, which
 *   only `canDeleteAll` may send (an owner without it unlinks the tickets one by one first).
 */
import type { CustomerItem } from '#shared/customers/customer.entity.ts';
import type { FieldError } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';

/** Whether the actor may see the customer: its owner, or `canViewAll`. */
export const canSeeCustomer = (actor: Actor, customer: Pick<CustomerItem, 'ownerId'>) =>
  customer.ownerId === actor.userId || actor.permissions.canViewAll;

/** Why the actor may not edit this customer (which they can see), or undefined when they may. */
export function editRefusal(actor: Actor, customer: Pick<CustomerItem, 'ownerId'>): string | undefined {
  if (customer.ownerId === actor.userId || actor.permissions.canEditAll) return undefined;
  return "Only the customer's owner, or someone with canEditAll, may change it.";
}

/** Why the actor may not delete this customer (which they can see), or undefined when they may. */
export function deleteRefusal(
  actor: Actor,
  customer: Pick<CustomerItem, 'ownerId'>,
  force: boolean,
): string | undefined {
  if (force && !actor.permissions.canDeleteAll) {
    return 'Only someone with canDeleteAll may delete a customer with force=true (unlinking its tickets).';
  }
  if (customer.ownerId === actor.userId || actor.permissions.canDeleteAll) return undefined;
  return "Only the customer's owner, or someone with canDeleteAll, may delete it.";
}

/** The list `GET /customers` asks for, or why it cannot be served (a field error on the query: 422). */
export type CustomerListPlan =
  | { readonly ok: true; readonly by: 'owner'; readonly ownerId: string }
  | { readonly ok: true; readonly by: 'all' }
  | { readonly ok: true; readonly by: 'email' | 'name'; readonly ownerId: string; readonly prefix: string }
  | { readonly ok: false; readonly refusal: 'not-allowed'; readonly reason: string }
  | { readonly ok: false; readonly refusal: 'invalid'; readonly error: FieldError };

/**
 * Which list the query names:
 * - nothing: the caller's own customers, newest first; `ownerId`: that owner's (another owner's needs
 *   `canViewAll`, else refused); `all=true`: every owner's, newest first (`canViewAll`);
 * - `email` or `name` (a prefix): the caller's (or `ownerId`'s) customers whose email or name starts so, by email
 *   or by name. One owner's directory serves a search, so `all=true` with a search is not served, nor are
 *   `email` and `name` together, nor `all=true` with `ownerId`.
 */
export function customerListPlan(
  actor: Actor,
  query: {
    readonly ownerId?: string | undefined;
    readonly all?: boolean | undefined;
    readonly email?: string | undefined;
    readonly name?: string | undefined;
  },
): CustomerListPlan {
  const invalid = (pointer: string, detail: string): CustomerListPlan => ({
    ok: false,
    refusal: 'invalid',
    error: { in: 'query', pointer, detail },
  });
  if (query.email !== undefined && query.name !== undefined) {
    return invalid('/name', 'Search by email or by name, not both.');
  }
  if (query.all) {
    if (query.ownerId !== undefined)
      return invalid('/ownerId', 'all=true lists every owner: leave ownerId out.');
    if (query.email !== undefined || query.name !== undefined) {
      return invalid(
        query.email !== undefined ? '/email' : '/name',
        'A search reads one owner’s customers: leave all=true out (name an owner with ownerId).',
      );
    }
    if (!actor.permissions.canViewAll) {
      return {
        ok: false,
        refusal: 'not-allowed',
        reason: 'Listing every owner’s customers needs canViewAll.',
      };
    }
    return { ok: true, by: 'all' };
  }
  const ownerId = query.ownerId ?? actor.userId;
  if (ownerId !== actor.userId && !actor.permissions.canViewAll) {
    return { ok: false, refusal: 'not-allowed', reason: 'You may list only your own customers.' };
  }
  if (query.email !== undefined) return { ok: true, by: 'email', ownerId, prefix: query.email.toLowerCase() };
  if (query.name !== undefined) return { ok: true, by: 'name', ownerId, prefix: query.name };
  return { ok: true, by: 'owner', ownerId };
}
