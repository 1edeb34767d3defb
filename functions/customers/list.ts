/**
 * `GET /customers?ownerId=&all=&email=&name=&limit=&cursor=`: the caller's customers, newest first; another
 * owner's or every owner's with `canViewAll`; or one owner's by email or name prefix. `{ items, nextCursor }`.
 */
import type * as z from 'zod/mini';
import { listCustomers } from '#shared/customers/operations.ts';
import type { CustomerPageView } from '#shared/customers/responses.ts';
import { listCustomersRoute } from '#shared/customers/routes.ts';
import { customerView } from '#shared/customers/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(listCustomersRoute, async ({ actor, query }) => {
  const { limit, cursor, ...filters } = query;
  const page = await listCustomers(actor, filters, { limit, cursor });
  const body: z.output<typeof CustomerPageView> = {
    items: page.items.map(customerView),
    nextCursor: page.nextCursor,
  };
  return ok(body);
});
