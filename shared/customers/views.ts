/** What the API shows of a customer. Timestamps are ISO 8601 UTC strings; empty optional fields are null. */
import type * as z from 'zod/mini';
import type { CustomerItem } from '#shared/customers/customer.entity.ts';
import type { CustomerView } from '#shared/customers/responses.ts';

/** A customer as the API returns it. */
export function customerView(customer: CustomerItem): z.output<typeof CustomerView> {
  return {
    customerId: customer.customerId,
    ownerId: customer.ownerId,
    name: customer.name,
    email: customer.email,
    phone: customer.phone ?? null,
    company: customer.company ?? null,
    notes: customer.notes ?? null,
    ticketCount: customer.ticketCount ?? 0,
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
    version: customer.version,
  };
}
