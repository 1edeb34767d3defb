/**
 * `DELETE /customers/{customerId}?force=`: delete a customer (its owner, or `canDeleteAll`). 409 while tickets
 * are linked to it, unless `force=true` (`canDeleteAll`), which unlinks them first; the tickets and their history
 * stay. Honours `If-Match` (412 when stale). 204.
 */
import { deleteCustomer, findVisibleCustomer } from '#shared/customers/operations.ts';
import { deleteCustomerRoute } from '#shared/customers/routes.ts';
import { versionFromIfMatch } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(deleteCustomerRoute, async ({ actor, params, query, headers }) => {
  const customer = await findVisibleCustomer(actor, params.customerId);
  const expectedVersion = versionFromIfMatch(headers['if-match'], customer.customerId);
  await deleteCustomer(actor, customer, { force: query.force === true }, expectedVersion);
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
});
