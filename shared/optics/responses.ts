/**
 * What the optics routes answer, for the OpenAPI document and the contract tests (doc-only): each route's success
 * body schema (the views are typed by them) and an example. Only the document generator and the tests import it.
 */
import * as z from 'zod/mini';
import { opticsActions } from '#shared/optics/lifecycle.ts';
import { defaultOpticsParts, opticsStatuses } from '#shared/optics/optics.entity.ts';
import type { opticsRoutes } from '#shared/optics/routes.ts';
import {
  type CreateOpticsRequestBody,
  opticsLimits,
  type ReplaceOpticsPartsBody,
} from '#shared/optics/schemas.ts';
import { nextCursor } from '#shared/platform/responses.ts';
import { documented, type RouteResponses } from '#shared/platform/route-table.ts';
import { UserId } from '#shared/platform/schemas.ts';

const ulidOf = (description: string) =>
  z.string().check(z.length(26), z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/), z.meta({ description }));
const timeOf = (description: string) => z.iso.datetime().check(z.maxLength(30), z.meta({ description }));
const text = (max: number, description: string) =>
  z.nullable(z.string().check(z.maxLength(max), z.meta({ description })));

/** `GET /optics/parts`, `PUT /optics/parts`. */
export const OpticsPartsView = /* @__PURE__ */ (() =>
  z
    .object({
      parts: z
        .array(z.string().check(z.minLength(1), z.maxLength(opticsLimits.partName)))
        .check(
          z.maxLength(opticsLimits.parts),
          z.meta({ description: 'The allowed parts, as admins listed them' }),
        ),
      other: z.literal('Other').check(z.meta({ description: 'Always offered besides: needs a description' })),
      version: z
        .number()
        .check(z.int(), z.gte(0), z.meta({ description: '0 while the default list applies; +1 per edit' })),
      updatedAt: z.nullable(timeOf('The last edit; null while the default list applies')),
    })
    .check(z.meta({ id: 'OpticsParts', description: 'The optics parts one may request, plus Other' })))();

/** A request, as its requester and admins see it. */
const requestFields = () => ({
  requestId: ulidOf('The request'),
  requesterId: UserId,
  part: z
    .string()
    .check(z.minLength(1), z.maxLength(opticsLimits.partName), z.meta({ description: 'The part, or Other' })),
  description: text(opticsLimits.description, 'What is needed, for Other; null otherwise'),
  quantity: z.number().check(z.int(), z.gte(1), z.lte(opticsLimits.quantity)),
  neededBy: z.nullable(z.iso.date().check(z.maxLength(10), z.meta({ description: 'When it is needed' }))),
  notes: text(opticsLimits.notes, 'Anything else the requester said'),
  status: z.enum(opticsStatuses),
  decisionReason: text(opticsLimits.reason, 'The reason given with the decision (always for a denial)'),
  decidedBy: z.nullable(UserId),
  decidedAt: z.nullable(timeOf('When it was approved or denied')),
  createdAt: timeOf('When it was requested'),
  updatedAt: timeOf('The last change'),
});

export const OpticsRequestView = /* @__PURE__ */ (() =>
  z.object(requestFields()).check(z.meta({ id: 'OpticsRequest', description: 'An optics request' })))();

export const OpticsEventView = /* @__PURE__ */ (() =>
  z
    .object({
      eventId: ulidOf('The event'),
      actorId: UserId,
      action: z.enum(['create', ...opticsActions]),
      from: z.nullable(z.enum(opticsStatuses)),
      to: z.enum(opticsStatuses),
      reason: text(opticsLimits.reason, 'The reason given, if any'),
      at: timeOf('When'),
    })
    .check(
      z.meta({ id: 'OpticsEvent', description: 'A change of an optics request: who, when, from → to' }),
    ))();

export const OpticsRequestDetailView = /* @__PURE__ */ (() =>
  z
    .object({
      ...requestFields(),
      events: z
        .array(OpticsEventView)
        .check(z.maxLength(50), z.meta({ description: 'The audit trail, oldest first' })),
    })
    .check(z.meta({ id: 'OpticsRequestDetail', description: 'An optics request with its audit trail' })))();

export const OpticsRequestPageView = /* @__PURE__ */ (() =>
  z
    .object({
      items: z.array(OpticsRequestView).check(z.maxLength(100)),
      nextCursor: nextCursor(),
    })
    .check(
      z.meta({
        id: 'OpticsRequestPage',
        description:
          'Optics requests, newest first (a filtered page of one’s own may hold fewer than `limit`)',
      }),
    ))();

const requester = '7c1e4a52-90b1-4f7d-8a2e-3b6f0d9c1e44';
const admin = '2b9d0c41-6e7f-4a8b-9c0d-1e2f3a4b5c6d';
const pending = {
  requestId: '01JDQAB2C3D4E5F6G7H8J9K0M1',
  requesterId: requester,
  part: 'SFP+ 10G LR 1310 nm (SMF)',
  description: null,
  quantity: 4,
  neededBy: '2026-12-15',
  notes: 'For the new core switch in room 12',
  status: 'pending',
  decisionReason: null,
  decidedBy: null,
  decidedAt: null,
  createdAt: '2026-12-01T09:00:00.000Z',
  updatedAt: '2026-12-01T09:00:00.000Z',
} as const satisfies z.output<typeof OpticsRequestView>;
const approved = {
  ...pending,
  status: 'approved',
  decidedBy: admin,
  decidedAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
} as const satisfies z.output<typeof OpticsRequestView>;
const events = [
  {
    eventId: '01JDQAB2C3D4E5F6G7H8J9K0M2',
    actorId: requester,
    action: 'create',
    from: null,
    to: 'pending',
    reason: null,
    at: pending.createdAt,
  },
  {
    eventId: '01JDQCD2C3D4E5F6G7H8J9K0M3',
    actorId: admin,
    action: 'approve',
    from: 'pending',
    to: 'approved',
    reason: null,
    at: approved.decidedAt,
  },
] as const satisfies z.output<typeof OpticsEventView>[];

export const opticsResponses: RouteResponses<(typeof opticsRoutes)[number]> = {
  GetOpticsParts: documented(OpticsPartsView, {
    example: { parts: [...defaultOpticsParts], other: 'Other', version: 0, updatedAt: null },
  }),
  ReplaceOpticsParts: documented(OpticsPartsView, {
    request: { parts: ['SFP+ 10G SR 850 nm (MMF)', 'QSFP28 100G LR4 (SMF, LC)'] } satisfies z.input<
      typeof ReplaceOpticsPartsBody
    >,
    example: {
      parts: ['SFP+ 10G SR 850 nm (MMF)', 'QSFP28 100G LR4 (SMF, LC)'],
      other: 'Other',
      version: 1,
      updatedAt: '2026-12-01T08:00:00.000Z',
    },
  }),
  CreateOpticsRequest: documented(OpticsRequestDetailView, {
    request: {
      part: pending.part,
      quantity: 4,
      neededBy: '2026-12-15',
      notes: pending.notes,
    } satisfies z.input<typeof CreateOpticsRequestBody>,
    example: { ...pending, events: [events[0]] },
  }),
  ListOpticsRequests: documented(OpticsRequestPageView, {
    example: { items: [approved], nextCursor: null },
  }),
  GetOpticsRequest: documented(OpticsRequestDetailView, { example: { ...approved, events: [...events] } }),
  ChangeOpticsStatus: documented(OpticsRequestDetailView, {
    request: { action: 'approve' },
    example: { ...approved, events: [...events] },
  }),
};
