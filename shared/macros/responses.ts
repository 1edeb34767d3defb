/**
 * What the macros routes answer, for the OpenAPI document and the contract tests: each route's success body schema
 * (the views are typed by these) and an example of its request and its response. Only the document generator
 * (`shared/api-document.ts`) and the tests import this module, so no function bundle carries it.
 */
import * as z from 'zod/mini';
import { isoTime, ulid } from '#shared/comments/responses.ts';
import { macroAvailabilities } from '#shared/macros/macro.entity.ts';
import type { macroRoutes } from '#shared/macros/routes.ts';
import {
  type ApplyMacroBody,
  type CreateMacroBody,
  MacroActions,
  type UpdateMacroBody,
} from '#shared/macros/schemas.ts';
import { nextCursor } from '#shared/platform/responses.ts';
import { documented, type RouteResponses } from '#shared/platform/route-table.ts';
import { UserId } from '#shared/platform/schemas.ts';
import { TicketView } from '#shared/tickets/responses.ts';

/** A macro: its reply text and what applying it does. */
export const MacroView = /* @__PURE__ */ (() =>
  z
    .object({
      macroId: ulid('The macro id'),
      ownerId: UserId,
      name: z.string().check(z.minLength(1), z.maxLength(100)),
      description: z.nullable(z.string().check(z.minLength(1), z.maxLength(500))),
      body: z.nullable(
        z
          .string()
          .check(
            z.minLength(1),
            z.maxLength(5000),
            z.meta({ description: 'The reply text with its placeholders; null when it has none' }),
          ),
      ),
      availability: z
        .enum(macroAvailabilities)
        .check(
          z.meta({ description: "personal: its owner's alone; shared: every agent sees and applies it" }),
        ),
      actions: MacroActions,
      createdAt: isoTime('When the macro was created'),
      updatedAt: isoTime('When it last changed'),
      version: z
        .number()
        .check(
          z.int(),
          z.gte(1),
          z.meta({ description: 'Starts at 1, +1 per change; the ETag is "<macroId>.<version>"' }),
        ),
    })
    .check(
      z.meta({ id: 'Macro', description: 'A canned reply that also acts on the ticket it is applied to' }),
    ))();

/** A page of macros. */
export const MacroPageView = /* @__PURE__ */ (() =>
  z
    .object({
      items: z.array(MacroView).check(z.maxLength(100)),
      nextCursor: nextCursor(),
    })
    .check(
      z.meta({
        id: 'MacroPage',
        description: 'A page of macros: the caller’s personal ones by name, then the shared ones by name',
      }),
    ))();

const agentId = '8b6d4f2a-1c3e-4a5b-9d7f-0e2c4a6b8d1f';
const waiting = {
  macroId: '01JDQA1B2C3D4E5F6G7H8J9K0M',
  ownerId: agentId,
  name: 'Waiting for the requester',
  description: 'Ask for details, set pending and take the ticket',
  body: 'Hello {{requester.name}}, could you send a photo of the error on ticket #{{ticket.number}}? {{agent.name}}',
  availability: 'shared',
  actions: { status: 'pending', assignee: { to: 'me' }, addTags: ['needs-info'], reply: 'response' },
  createdAt: '2026-12-01T08:00:00.000Z',
  updatedAt: '2026-12-01T08:00:00.000Z',
  version: 1,
} satisfies z.output<typeof MacroView>;

const requester = {
  userId: '3f0c2a7e-5b1d-4c8a-9e6f-2d7b8a1c4e90',
  name: 'Rita Requester',
  email: 'rita@example.com',
};
const agent = { userId: agentId, name: 'Sam Support', email: 'sam.support@example.com' };

/** The example ticket after the macro: pending, assigned to the agent who applied it, tagged. */
const applied = {
  ticketId: '01JDQ8Z3M4N5P6Q7R8S9T0V1W2',
  number: 1042,
  title: 'Printer on floor 2 jams',
  type: 'incident',
  priority: 'urgent',
  status: 'pending',
  requesterId: requester.userId,
  assigneeId: agent.userId,
  approverId: null,
  requester,
  assignee: agent,
  approver: null,
  category: 'hardware',
  tags: ['printer', 'needs-info'],
  createdAt: '2026-12-01T08:30:12.345Z',
  description: 'The printer on floor 2 shows error E-203 and jams on every page.',
  requestDetails: null,
  approverGroup: null,
  approverIds: [],
  customerId: null,
  decision: null,
  updatedAt: '2026-12-01T08:41:05.120Z',
  version: 2,
} satisfies z.output<typeof TicketView>;

export const macroResponses: RouteResponses<(typeof macroRoutes)[number]> = {
  CreateMacro: documented(MacroView, {
    request: {
      name: waiting.name,
      description: waiting.description,
      body: waiting.body,
      availability: 'shared',
      actions: waiting.actions,
    } satisfies z.input<typeof CreateMacroBody>,
    example: waiting,
  }),
  ListMacros: documented(MacroPageView, { example: { items: [waiting], nextCursor: null } }),
  GetMacro: documented(MacroView, { example: waiting }),
  UpdateMacro: documented(MacroView, {
    request: { name: 'Waiting for a photo' } satisfies z.input<typeof UpdateMacroBody>,
    example: { ...waiting, name: 'Waiting for a photo', updatedAt: '2026-12-01T09:00:00.000Z', version: 2 },
  }),
  DeleteMacro: documented(undefined),
  ApplyMacro: documented(TicketView, {
    request: {} satisfies z.input<typeof ApplyMacroBody>,
    example: applied,
  }),
};
