/**
 * Optics (PRODUCT "Operations": a list of allowed optics parts plus `Other`; optics requests, users see their own,
 * admins all; admins approve, deny or archive). Three kinds of item, keys below (`docs/data-model.md`, "Optics"):
 *
 * - **the parts list**: one item `pk = OPTICS`, `sk = PARTS` (`parts`, `version`); absent until an admin first
 *   edits it, when {@link defaultOpticsParts} apply.
 * - **a request**: `pk = OPTICS#<requestId>`, `sk = REQUEST` (requestId a ULID), with its audit events in the same
 *   partition (`sk = EVENT#<ULID>`), so one Query reads a request's history. Index keys (keys only):
 *   gsi11 `OPTICS#ALL` / `<createdAt>#<requestId>` (every request, newest first: admins) and
 *   gsi12 `OPTICS#REQUESTER#<userId>` / `<createdAt>#<requestId>` (one person's, newest first). Both never change.
 * - **a status entry** (a lookup item): `pk = OPTICS#STATUS#<status>`, `sk = <createdAt>#<requestId>`, holding
 *   `requestId`; moved (deleted and put) in the transaction that changes the request's status, so the requests of
 *   one status are one Query of the base table, newest first.
 */
import { ulid } from 'ulid';

/** A request's statuses (`lifecycle.ts` says which action leads from which to which). */
export const opticsStatuses = ['pending', 'approved', 'denied', 'archived'] as const;
export type OpticsStatus = (typeof opticsStatuses)[number];

/** The part to name for anything the list lacks; it needs a description. Always offered, never in the list. */
export const otherPart = 'Other';

/**
 * The parts offered until an admin edits the list (and seeded by the local stack's demo data): common pluggable
 * optics and the cables that go with them.
 */
export const defaultOpticsParts: readonly string[] = [
  'SFP 1G SX 850 nm (MMF)',
  'SFP 1G LX 1310 nm (SMF)',
  'SFP+ 10G SR 850 nm (MMF)',
  'SFP+ 10G LR 1310 nm (SMF)',
  'SFP28 25G SR 850 nm (MMF)',
  'QSFP+ 40G SR4 (MMF, MPO)',
  'QSFP28 100G SR4 (MMF, MPO)',
  'QSFP28 100G LR4 (SMF, LC)',
  'SFP+ 10G DAC 3 m',
  'LC-LC OM4 duplex patch cable 3 m',
];

export interface OpticsPartsItem {
  readonly parts: readonly string[];
  /** Starts at 1; each edit adds 1. */
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy?: string | undefined;
}

export interface OpticsRequestItem {
  /** ULID: requests sort by creation time. */
  readonly requestId: string;
  readonly requesterId: string;
  /** A part of the list when the request was made, or {@link otherPart}. */
  readonly part: string;
  /** What is needed, for `Other` (required then); absent otherwise. */
  readonly description?: string | undefined;
  readonly quantity: number;
  /** `YYYY-MM-DD`, when the parts are needed. */
  readonly neededBy?: string | undefined;
  readonly notes?: string | undefined;
  readonly status: OpticsStatus;
  /** The reason of a denial (or one an admin gave with another decision). */
  readonly decisionReason?: string | undefined;
  readonly decidedBy?: string | undefined;
  readonly decidedAt?: string | undefined;
  /** Starts at 1; each status change adds 1 (the transaction's condition). */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What happened to a request: its creation or a status change, by whom, when. */
export interface OpticsEventItem {
  readonly requestId: string;
  readonly eventId: string;
  readonly actorId: string;
  readonly action: 'create' | 'approve' | 'deny' | 'archive';
  readonly from: OpticsStatus | null;
  readonly to: OpticsStatus;
  readonly reason?: string | undefined;
  readonly at: string;
}

export const opticsRequestEntity = 'opticsRequest';
export const opticsEventEntity = 'opticsEvent';
export const opticsPartsEntity = 'opticsParts';
export const opticsStatusEntryEntity = 'opticsStatusEntry';

export const newOpticsRequestId = () => ulid();
export const newOpticsEventId = () => ulid();

export const opticsPartsKey = () => ({ pk: 'OPTICS', sk: 'PARTS' });
export const opticsRequestKey = (requestId: string) => ({ pk: `OPTICS#${requestId}`, sk: 'REQUEST' });
export const opticsEventKey = (requestId: string, eventId: string) => ({
  pk: `OPTICS#${requestId}`,
  sk: `EVENT#${eventId}`,
});
export const opticsEventPrefix = 'EVENT#';

/** The sort key every list of requests orders by: creation time, then id. */
export const opticsListSortKey = (request: Pick<OpticsRequestItem, 'createdAt' | 'requestId'>) =>
  `${request.createdAt}#${request.requestId}`;

/** Every request (gsi11). */
export const allOpticsPartition = () => ({ gsi11pk: 'OPTICS#ALL' });
/** One person's requests (gsi12). */
export const requesterOpticsPartition = (requesterId: string) => ({
  gsi12pk: `OPTICS#REQUESTER#${requesterId}`,
});
/** The status entries of one status (base table). */
export const opticsStatusPartition = (status: OpticsStatus) => `OPTICS#STATUS#${status}`;

/** The key of a request's status entry. */
export const opticsStatusEntryKey = (
  status: OpticsStatus,
  request: Pick<OpticsRequestItem, 'createdAt' | 'requestId'>,
) => ({ pk: opticsStatusPartition(status), sk: opticsListSortKey(request) });

/** The stored item of a request: keys, index keys, entity name and fields. */
export const opticsRequestRecord = (request: OpticsRequestItem) => ({
  ...request,
  ...opticsRequestKey(request.requestId),
  ...allOpticsPartition(),
  gsi11sk: opticsListSortKey(request),
  ...requesterOpticsPartition(request.requesterId),
  gsi12sk: opticsListSortKey(request),
  entityType: opticsRequestEntity,
});

/** The stored status entry of a request in its status. */
export const opticsStatusEntryRecord = (request: OpticsRequestItem) => ({
  ...opticsStatusEntryKey(request.status, request),
  requestId: request.requestId,
  entityType: opticsStatusEntryEntity,
});

export const opticsEventRecord = (event: OpticsEventItem) => ({
  ...event,
  ...opticsEventKey(event.requestId, event.eventId),
  entityType: opticsEventEntity,
});

export const opticsPartsRecord = (item: OpticsPartsItem) => ({
  ...item,
  ...opticsPartsKey(),
  entityType: opticsPartsEntity,
});
