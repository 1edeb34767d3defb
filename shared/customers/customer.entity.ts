/**
 * A customer: one agent's contact (name, email, optional phone, company and notes). Stored at
 * `pk = CUSTOMER#<customerId>`, `sk = CUSTOMER`; the agent who created it is its owner (`ownerId`).
 *
 * Lists and look-ups (`docs/data-model.md`, "Customers"):
 * - an owner's customers, newest first: gsi11 (keys only), partition `CUSTOMERS_OF#<ownerId>`, sort
 *   `<createdAt>#<customerId>`; a page reads the keys, then BatchGetItem the customers;
 * - every customer, newest first (`canViewAll`): gsi12 (keys only), partition `CUSTOMERS`, the same sort key;
 * - an owner's directory, a base-table item collection `CUSTOMER_DIRECTORY#<ownerId>` holding two look-up items
 *   per customer: `EMAIL#<email>` (the email lower-cased; at most one per owner and email: written with
 *   `attribute_not_exists` in the same transaction as the customer, so two creates of one email cannot both
 *   succeed) and `NAME#<nameKey>#<customerId>` (the name folded: trimmed, lower case, accents removed). A search
 *   by email or name prefix is one Query `begins_with(sk, 'EMAIL#<prefix>')` / `'NAME#<prefix>'` on that
 *   partition, then BatchGetItem the customers;
 * - a customer's tickets, newest first: gsi12 on the ticket items, partition `CUSTOMER#<customerId>`
 *   (`shared/tickets/ticket.entity.ts`).
 *
 * `ticketCount` counts the tickets linked to the customer, changed by `ADD` in the same transaction as every link
 * and unlink (ticket create, change, delete; the forced customer delete), so "has the customer tickets" needs no
 * query, and a delete conditioned on `ticketCount = 0` and a link conditioned on the customer existing can never
 * both succeed. It does not change `version`.
 */
import { nameKey } from '#shared/users/user.entity.ts';

export interface CustomerItem {
  /** ULID. */
  readonly customerId: string;
  /** The agent whose contact it is (who created it). */
  readonly ownerId: string;
  readonly name: string;
  /** Lower-cased; unique among the owner's customers. */
  readonly email: string;
  /** E.164. */
  readonly phone?: string | undefined;
  readonly company?: string | undefined;
  readonly notes?: string | undefined;
  /** Tickets linked to the customer (absent: none). */
  readonly ticketCount?: number | undefined;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Optimistic-locking version, starts at 1, +1 per change (`ETag`/`If-Match`). */
  readonly version: number;
}

export const customerEntity = 'customer';
export const customerEmailEntity = 'customerEmail';
export const customerNameEntity = 'customerName';

/** The key of a customer. */
export const customerKey = (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'CUSTOMER' });

/** The partition of an owner's customers, newest first (gsi11, keys only). */
export const ownerCustomersPartition = (ownerId: string) => ({ gsi11pk: `CUSTOMERS_OF#${ownerId}` });

/** The partition of every customer, newest first (gsi12, keys only). */
export const allCustomersPartition = () => ({ gsi12pk: 'CUSTOMERS' });

/** The base-table partition of an owner's directory: the email and name look-up items. */
export const directoryPartition = (ownerId: string) => ({ pk: `CUSTOMER_DIRECTORY#${ownerId}` });

/** The sort key prefix of the email entries of a directory; `EMAIL#<email>` names one. */
export const emailEntryPrefix = 'EMAIL#';

/** The sort key prefix of the name entries of a directory; `NAME#<nameKey>#<customerId>` names one. */
export const nameEntryPrefix = 'NAME#';

/** The key of the email entry of an owner's customer (the uniqueness item). */
export const emailEntryKey = (ownerId: string, email: string) => ({
  ...directoryPartition(ownerId),
  sk: `${emailEntryPrefix}${email.toLowerCase()}`,
});

/** The key of the name entry of a customer. */
export const nameEntryKey = (customer: Pick<CustomerItem, 'ownerId' | 'name' | 'customerId'>) => ({
  ...directoryPartition(customer.ownerId),
  sk: `${nameEntryPrefix}${nameKey(customer.name)}#${customer.customerId}`,
});

/** The sort key of the customer lists: newest first when read descending. */
export const customerSortKey = (customer: Pick<CustomerItem, 'createdAt' | 'customerId'>) =>
  `${customer.createdAt}#${customer.customerId}`;

/** The stored item of a customer: keys, index keys (gsi11 the owner's list, gsi12 every customer), fields. */
export const customerRecord = (customer: CustomerItem) => ({
  ...customer,
  ...customerKey(customer.customerId),
  ...ownerCustomersPartition(customer.ownerId),
  gsi11sk: customerSortKey(customer),
  ...allCustomersPartition(),
  gsi12sk: customerSortKey(customer),
  entityType: customerEntity,
});

/** The email entry of a customer: its uniqueness item and the email search's entry. */
export const emailEntryRecord = (customer: Pick<CustomerItem, 'ownerId' | 'email' | 'customerId'>) => ({
  ...emailEntryKey(customer.ownerId, customer.email),
  customerId: customer.customerId,
  entityType: customerEmailEntity,
});

/** The name entry of a customer, for the name search. */
export const nameEntryRecord = (customer: Pick<CustomerItem, 'ownerId' | 'name' | 'customerId'>) => ({
  ...nameEntryKey(customer),
  customerId: customer.customerId,
  entityType: customerNameEntity,
});

/** The customer id a list entry's sort key ends with (`...#<customerId>`). */
export const customerIdOfSortKey = (sortKey: string) => sortKey.slice(sortKey.lastIndexOf('#') + 1);
