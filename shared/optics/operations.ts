/**
 * Optics parts and requests (PRODUCT "Operations"; issue 11 "Optics"): plain values in, domain errors out, never
 * HTTP. Keys and indexes: `optics.entity.ts`; who may do what: `policy.ts`; the lifecycle: `lifecycle.ts`. No scan:
 * every list is one Query of a partition (then a BatchGetItem of the requests its keys name).
 */

import { allowedOpticsActions, opticsTransition } from '#shared/optics/lifecycle.ts';
import {
  allOpticsPartition,
  defaultOpticsParts,
  newOpticsEventId,
  newOpticsRequestId,
  type OpticsEventItem,
  type OpticsPartsItem,
  type OpticsRequestItem,
  type OpticsStatus,
  opticsEventPrefix,
  opticsEventRecord,
  opticsPartsKey,
  opticsPartsRecord,
  opticsRequestKey,
  opticsRequestRecord,
  opticsStatusEntryKey,
  opticsStatusEntryRecord,
  opticsStatusPartition,
  otherPart,
  requesterOpticsPartition,
} from '#shared/optics/optics.entity.ts';
import { canSeeOpticsRequest, managesOptics } from '#shared/optics/policy.ts';
import type { ChangeOpticsStatusInput, CreateOpticsRequestInput } from '#shared/optics/schemas.ts';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import {
  attributesEqual,
  getItem,
  getItems,
  itemIsNew,
  putItem,
  queryPage,
  transactWrite,
} from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { Conflict, DomainError, InvalidInput, NotFound } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';

export class OpticsRequestNotFound extends NotFound {
  override readonly name = 'OpticsRequestNotFound';

  constructor() {
    super('The optics request');
  }
}

/** The lifecycle has no such move from the request's status; `allowed` lists the actions it has. */
export class OpticsTransitionNotAllowed extends DomainError {
  override readonly name = 'OpticsTransitionNotAllowed';
  readonly kind = 'invalid-transition' as const;

  constructor(from: OpticsStatus, action: string, allowed: readonly string[]) {
    super(`An optics request that is ${from} cannot be given the action ${action}.`, {
      from,
      action,
      allowed,
    });
  }
}

/** The allowed parts as the API shows them. */
export interface OpticsParts {
  readonly parts: readonly string[];
  /** 0 while the defaults apply (no admin edited the list yet). */
  readonly version: number;
  readonly updatedAt: string | null;
}

/** The allowed parts: the stored list, else the defaults. One GetItem. */
export async function readOpticsParts(): Promise<OpticsParts> {
  const item = await getItem<OpticsPartsItem>(opticsPartsKey());
  return item
    ? { parts: item.parts, version: item.version, updatedAt: item.updatedAt }
    : { parts: defaultOpticsParts, version: 0, updatedAt: null };
}

/**
 * Replace the allowed parts (admins). Requests made before keep the part they named.
 * @throws InvalidInput (`/parts`) for a part listed twice (letter case ignored) or `Other` listed; Conflict when
 * another edit came in between (read again and retry)
 */
export async function replaceOpticsParts(actor: Actor, parts: readonly string[]): Promise<OpticsParts> {
  const folded = parts.map((part) => part.toLowerCase());
  if (new Set(folded).size !== folded.length)
    throw new InvalidInput([
      { in: 'body', pointer: '/parts', detail: 'Each part once (letter case ignored).' },
    ]);
  if (folded.includes('other'))
    throw new InvalidInput([
      { in: 'body', pointer: '/parts', detail: '`Other` is always offered; leave it out of the list.' },
    ]);
  const current = await readOpticsParts();
  const item: OpticsPartsItem = {
    parts: [...parts],
    version: current.version + 1,
    updatedAt: nowIso(),
    updatedBy: actor.userId,
  };
  try {
    await putItem(
      opticsPartsRecord(item),
      current.version === 0 ? itemIsNew : attributesEqual({ version: current.version }),
    );
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException')
      throw new Conflict('The parts list changed meanwhile; read it again.');
    throw error;
  }
  return { parts: item.parts, version: item.version, updatedAt: item.updatedAt };
}

/** Today in UTC, `YYYY-MM-DD`. */
const today = (now: Date) => now.toISOString().slice(0, 10);

/**
 * Open an optics request (anyone signed in): a part of the current list (letter case ignored; stored as listed) or
 * `Other` with a description. One GetItem (the list) and one transaction: the request, its status entry and its
 * `create` event. The stream then alerts the admins (`stream-rules.ts`).
 * @throws InvalidInput naming `/part` (not on the list), `/description` (missing for Other, or given for a listed
 *   part) or `/neededBy` (before today)
 */
export async function createOpticsRequest(
  actor: Actor,
  input: CreateOpticsRequestInput,
  now = new Date(),
): Promise<OpticsRequestItem> {
  const { parts } = await readOpticsParts();
  const isOther = input.part.toLowerCase() === otherPart.toLowerCase();
  const listed = parts.find((part) => part.toLowerCase() === input.part.toLowerCase());
  const problems = [];
  if (!isOther && !listed)
    problems.push({
      in: 'body' as const,
      pointer: '/part',
      detail: `Not an allowed part; pick one of GET /optics/parts or ${otherPart} with a description.`,
    });
  if (isOther && !input.description)
    problems.push({
      in: 'body' as const,
      pointer: '/description',
      detail: `${otherPart} needs a description.`,
    });
  if (!isOther && listed && input.description)
    problems.push({
      in: 'body' as const,
      pointer: '/description',
      detail: `A description is for ${otherPart} only; a listed part says what it is.`,
    });
  if (input.neededBy && input.neededBy < today(now))
    problems.push({ in: 'body' as const, pointer: '/neededBy', detail: 'The date is in the past.' });
  if (problems.length > 0) throw new InvalidInput(problems);

  const at = now.toISOString();
  const request: OpticsRequestItem = {
    requestId: newOpticsRequestId(),
    requesterId: actor.userId,
    part: isOther ? otherPart : (listed as string),
    description: isOther ? input.description : undefined,
    quantity: input.quantity,
    neededBy: input.neededBy,
    notes: input.notes || undefined,
    status: 'pending',
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  const event: OpticsEventItem = {
    requestId: request.requestId,
    eventId: newOpticsEventId(),
    actorId: actor.userId,
    action: 'create',
    from: null,
    to: 'pending',
    at,
  };
  const written = await transactWrite([
    { put: withoutUndefined(opticsRequestRecord(request)), condition: itemIsNew },
    { put: opticsStatusEntryRecord(request) },
    { put: opticsEventRecord(event) },
  ]);
  if (!written.ok) throw new Error(`Optics request not written: ${written.reasons.join(', ')}`);
  return request;
}

/** An item without its `undefined` attributes (the document client refuses them). */
function withoutUndefined<T extends Record<string, unknown>>(item: T): T {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined)) as T;
}

/**
 * A request the actor may see (its requester, or an admin); strongly consistent, so a request is readable at once.
 * @throws OpticsRequestNotFound otherwise (no existence oracle)
 */
export async function findVisibleOpticsRequest(actor: Actor, requestId: string): Promise<OpticsRequestItem> {
  const request = await getItem<OpticsRequestItem>(opticsRequestKey(requestId), { consistent: true });
  if (!request || !canSeeOpticsRequest(actor, request)) throw new OpticsRequestNotFound();
  return request;
}

/** A request's audit trail, oldest first (a request has at most a few events: create, a decision, archive). */
export async function opticsEvents(requestId: string): Promise<OpticsEventItem[]> {
  const { items } = await queryPage<OpticsEventItem>({
    partition: { pk: opticsRequestKey(requestId).pk },
    beginsWith: ['sk', opticsEventPrefix],
    limit: 50,
    consistent: true,
  });
  return items;
}

/**
 * One page of optics requests, newest first. Admins: every request (gsi11 `OPTICS#ALL`), or those of one status (the
 * status entries, `OPTICS#STATUS#<status>`). Others: their own (gsi12 `OPTICS#REQUESTER#<id>`); with a status, a page
 * reads `limit` of their requests and keeps those in it (so it may hold fewer, even none, with a next cursor).
 * @throws InvalidInput (`/cursor`) for a cursor of another list
 */
export async function listOpticsRequests(
  actor: Actor,
  query: { status?: OpticsStatus | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: OpticsRequestItem[]; nextCursor: string | null }> {
  const admin = managesOptics(actor);
  const scope = admin
    ? `optics:${query.status ?? 'all'}`
    : `optics:requester:${actor.userId}:${query.status ?? 'all'}`;
  const after = await decodeCursor(query.cursor, scope);
  const startKey = after ? (JSON.parse(after) as Record<string, unknown>) : undefined;
  let ids: string[];
  let lastKey: Record<string, unknown> | undefined;
  if (admin && query.status) {
    const page = await queryPage<{ requestId: string }>({
      partition: { pk: opticsStatusPartition(query.status) },
      descending: true,
      limit: query.limit,
      startKey,
    });
    ids = page.items.map((entry) => entry.requestId);
    lastKey = page.lastKey;
  } else {
    const page = await queryPage<{ pk: string }>({
      ...(admin
        ? { index: 'gsi11', partition: allOpticsPartition() }
        : { index: 'gsi12', partition: requesterOpticsPartition(actor.userId) }),
      descending: true,
      limit: query.limit,
      startKey,
    });
    ids = page.items.map((key) => key.pk.slice('OPTICS#'.length));
    lastKey = page.lastKey;
  }
  const found = await getItems<OpticsRequestItem>(ids.map(opticsRequestKey));
  const byId = new Map(found.map((request) => [request.requestId, request]));
  const items = ids
    .map((id) => byId.get(id))
    .filter((request): request is OpticsRequestItem => request !== undefined)
    .filter((request) => !query.status || request.status === query.status);
  return { items, nextCursor: lastKey ? await encodeCursor(JSON.stringify(lastKey), scope) : null };
}

/**
 * Approve, deny (with a reason) or archive a request (admins), along the lifecycle (`lifecycle.ts`). One transaction:
 * the request (conditioned on the version read), its status entry moved, and the audit event. The stream then
 * tells the requester of a decision (`stream-rules.ts`).
 * @throws OpticsRequestNotFound; OpticsTransitionNotAllowed (`allowed`); Conflict when it changed meanwhile
 */
export async function changeOpticsStatus(
  actor: Actor,
  requestId: string,
  change: ChangeOpticsStatusInput,
  now = new Date(),
): Promise<OpticsRequestItem> {
  const request = await findVisibleOpticsRequest(actor, requestId);
  const to = opticsTransition(request.status, change.action);
  if (!to)
    throw new OpticsTransitionNotAllowed(request.status, change.action, allowedOpticsActions(request.status));
  const at = now.toISOString();
  const decision = change.action === 'approve' || change.action === 'deny';
  const changed: OpticsRequestItem = {
    ...request,
    status: to,
    version: request.version + 1,
    updatedAt: at,
    ...(decision ? { decisionReason: change.reason, decidedBy: actor.userId, decidedAt: at } : {}),
  };
  const event: OpticsEventItem = {
    requestId,
    eventId: newOpticsEventId(),
    actorId: actor.userId,
    action: change.action,
    from: request.status,
    to,
    ...(change.reason ? { reason: change.reason } : {}),
    at,
  };
  const written = await transactWrite([
    {
      update: opticsRequestKey(requestId),
      changes: {
        set: {
          status: to,
          version: changed.version,
          updatedAt: at,
          ...(decision ? { decisionReason: change.reason, decidedBy: actor.userId, decidedAt: at } : {}),
        },
      },
      condition: attributesEqual({ version: request.version }),
    },
    { delete: opticsStatusEntryKey(request.status, request) },
    { put: opticsStatusEntryRecord(changed) },
    { put: opticsEventRecord(event) },
  ]);
  if (!written.ok) throw new Conflict('The optics request changed meanwhile; read it again.');
  return changed;
}

/**
 * Store the default parts list unless a list is stored already (the local stack's demo data; a deployment may run
 * it once too). Idempotent: an existing list is left as it is.
 */
export async function seedOpticsParts(now = new Date()): Promise<void> {
  try {
    await putItem(
      opticsPartsRecord({ parts: [...defaultOpticsParts], version: 1, updatedAt: now.toISOString() }),
      itemIsNew,
    );
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
  }
}
