/** What the API shows of optics parts and requests (typed by `responses.ts`, a type-only import). */
import type * as z from 'zod/mini';
import type { OpticsParts } from '#shared/optics/operations.ts';
import { type OpticsEventItem, type OpticsRequestItem, otherPart } from '#shared/optics/optics.entity.ts';
import type {
  OpticsEventView,
  OpticsPartsView,
  OpticsRequestDetailView,
  OpticsRequestView,
} from '#shared/optics/responses.ts';

export const opticsPartsView = (parts: OpticsParts): z.output<typeof OpticsPartsView> => ({
  parts: [...parts.parts],
  other: otherPart as 'Other',
  version: parts.version,
  updatedAt: parts.updatedAt,
});

export const opticsRequestView = (request: OpticsRequestItem): z.output<typeof OpticsRequestView> => ({
  requestId: request.requestId,
  requesterId: request.requesterId,
  part: request.part,
  description: request.description ?? null,
  quantity: request.quantity,
  neededBy: request.neededBy ?? null,
  notes: request.notes ?? null,
  status: request.status,
  decisionReason: request.decisionReason ?? null,
  decidedBy: request.decidedBy ?? null,
  decidedAt: request.decidedAt ?? null,
  createdAt: request.createdAt,
  updatedAt: request.updatedAt,
});

export const opticsEventView = (event: OpticsEventItem): z.output<typeof OpticsEventView> => ({
  eventId: event.eventId,
  actorId: event.actorId,
  action: event.action,
  from: event.from,
  to: event.to,
  reason: event.reason ?? null,
  at: event.at,
});

export const opticsRequestDetailView = (
  request: OpticsRequestItem,
  events: readonly OpticsEventItem[],
): z.output<typeof OpticsRequestDetailView> => ({
  ...opticsRequestView(request),
  events: events.map(opticsEventView),
});
