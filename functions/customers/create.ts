/**
 * `POST /customers`: add a contact of the caller (`canManageTickets`). 201 with the customer, `Location` and
 * `ETag`. 409 naming the existing customer (`existingCustomerId`) when another customer of the caller has the
 * email; of concurrent creates of one email exactly one succeeds (a uniqueness item in the same transaction).
 */
import { createCustomer } from '#shared/customers/operations.ts';
import { createCustomerRoute } from '#shared/customers/routes.ts';
import { customerView } from '#shared/customers/views.ts';
import { idempotentRoute } from '#shared/platform/http/idempotency-key.ts';
import { created, etagOf } from '#shared/platform/http/responses.ts';

export const handler = idempotentRoute(createCustomerRoute, async ({ actor, body }) => {
  const customer = await createCustomer(actor, body);
  return created(customerView(customer), `/customers/${customer.customerId}`, {
    etag: etagOf(customer.customerId, customer.version),
  });
});
