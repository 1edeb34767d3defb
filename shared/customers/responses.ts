/**
 * What the customers routes answer, for the OpenAPI document and the contract tests (doc-only): each route's
 * success body schema (the views are typed by these) and an example of its request and response. Only the
 * document generator (`shared/api-document.ts`) and the tests import this module, so no function bundle carries it.
 */
import * as z from 'zod/mini';
import { isoTime, ulid } from '#shared/comments/responses.ts';
import type { customerRoutes } from '#shared/customers/routes.ts';
import type { CreateCustomerBody, UpdateCustomerBody } from '#shared/customers/schemas.ts';
import { cursorOrNull, nextCursor } from '#shared/platform/responses.ts';
import { documented, type RouteResponses } from '#shared/platform/route-table.ts';
import { UserId } from '#shared/platform/schemas.ts';
import { TicketSummaryView } from '#shared/tickets/responses.ts';

/** A customer: one agent's contact. */
export const CustomerView = /* @__PURE__ */ (() =>
  z
    .object({
      customerId: ulid('The customer id'),
      ownerId: UserId.check(z.meta({ description: 'The agent whose contact it is (who created it)' })),
      name: z.string().check(z.minLength(1), z.maxLength(100)),
      email: z.email().check(z.maxLength(254), z.meta({ description: 'Lower-cased; unique per owner' })),
      phone: z.nullable(z.string().check(z.maxLength(16), z.meta({ description: 'E.164' }))),
      company: z.nullable(z.string().check(z.minLength(1), z.maxLength(100))),
      notes: z.nullable(z.string().check(z.minLength(1), z.maxLength(2000))),
      ticketCount: z
        .number()
        .check(z.int(), z.gte(0), z.meta({ description: 'Tickets linked to the customer' })),
      createdAt: isoTime('When the customer was added'),
      updatedAt: isoTime('When the customer or its ticket links last changed'),
      version: z
        .number()
        .check(
          z.int(),
          z.gte(1),
          z.meta({ description: 'Starts at 1, +1 per change; the ETag is "<customerId>.<version>"' }),
        ),
    })
    .check(z.meta({ id: 'Customer', description: 'An agent’s contact' })))();

/** A page of customers. */
export const CustomerPageView = /* @__PURE__ */ (() =>
  z.object({ items: z.array(CustomerView).check(z.maxLength(100)), nextCursor: nextCursor() }).check(
    z.meta({
      id: 'CustomerPage',
      description: 'A page of customers: newest first, or by email or name for a search',
    }),
  ))();

/** `GET /customers/{customerId}`: the customer with a page of its tickets. */
export const CustomerWithTicketsView = /* @__PURE__ */ (() =>
  z
    .object({
      ...CustomerView.shape,
      tickets: z
        .array(TicketSummaryView)
        .check(
          z.maxLength(100),
          z.meta({ description: 'Its tickets the caller may see, newest first (at most `limit`)' }),
        ),
      ticketsNextCursor: cursorOrNull(
        'More of its tickets: send as `cursor` here or to GET /tickets?customerId=; null when that was all',
      ),
    })
    .check(z.meta({ id: 'CustomerWithTickets', description: 'A customer with a page of its tickets' })))();

const agentId = 'b1f0c2de-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const customer = {
  customerId: '01JDC5TMR00000000000000001',
  ownerId: agentId,
  name: 'John Anderson',
  email: 'john@acme.example',
  phone: '+15555550100',
  company: 'Acme Corp',
  notes: 'Prefers email; office on floor 2.',
  ticketCount: 1,
  createdAt: '2026-12-01T08:00:00.000Z',
  updatedAt: '2026-12-01T08:30:12.345Z',
  version: 1,
} satisfies z.output<typeof CustomerView>;

export const customerResponses: RouteResponses<(typeof customerRoutes)[number]> = {
  CreateCustomer: documented(CustomerView, {
    request: {
      name: 'John Anderson',
      email: 'John@Acme.example',
      phone: '+15555550100',
      company: 'Acme Corp',
      notes: 'Prefers email; office on floor 2.',
    } satisfies z.input<typeof CreateCustomerBody>,
    example: { ...customer, ticketCount: 0, updatedAt: customer.createdAt },
  }),
  ListCustomers: documented(CustomerPageView, { example: { items: [customer], nextCursor: null } }),
  GetCustomer: documented(CustomerWithTicketsView, {
    example: {
      ...customer,
      tickets: [
        {
          ticketId: '01JD8X5E7Q3M2N4P6R8T0V2W4Y',
          number: 1042,
          title: 'Printer on floor 2 jams',
          type: 'incident',
          priority: 'urgent',
          status: 'open',
          requesterId: agentId,
          assigneeId: null,
          approverId: null,
          requester: { userId: agentId, name: 'Sam Support', email: 'sam.support@example.com' },
          assignee: null,
          approver: null,
          category: 'hardware',
          tags: [],
          createdAt: '2026-12-01T08:30:12.345Z',
        },
      ],
      ticketsNextCursor: null,
    },
  }),
  UpdateCustomer: documented(CustomerView, {
    request: { company: 'Acme Corporation', notes: null } satisfies z.input<typeof UpdateCustomerBody>,
    example: { ...customer, company: 'Acme Corporation', notes: null, version: 2 },
  }),
  DeleteCustomer: documented(undefined),
};
