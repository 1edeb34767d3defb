/**
 * `PATCH /customers/{customerId}`: change a customer (its owner, or `canEditAll`). Honours `If-Match` (412 when
 * stale). 409 naming the existing customer when another customer of the same owner has the new email.
 */
import { changeCustomer, findVisibleCustomer } from '#shared/customers/operations.ts';
import { updateCustomerRoute } from '#shared/customers/routes.ts';
import { customerView } from '#shared/customers/views.ts';
import { etagOf, ok, versionFromIfMatch } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(updateCustomerRoute, async (input) => {
  // Find (404) before the body is validated (400): ids of unseen customers cannot be probed.
  const customer = await findVisibleCustomer(input.actor, input.params.customerId);
  const expectedVersion = versionFromIfMatch(input.headers['if-match'], customer.customerId);
  const changed = await changeCustomer(input.actor, customer, input.body, expectedVersion);
  return ok(customerView(changed), { etag: etagOf(changed.customerId, changed.version) });
});
