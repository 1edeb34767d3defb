/**
 * The single-table entities (ElectroDB), each index a named access pattern. `docs/data-model.md` lists every
 * pattern with its key and the request that uses it.
 *
 * Partitions: a ticket, its comments, images, audit events and notification log share the ticket's partition;
 * `thread` is the collection one Query reads for `GET /tickets/{ticketId}`. Lists use GSIs (gsi1: every ticket by
 * creation time, for agents; gsi2: a requester's tickets by creation time). Keys are written by ElectroDB
 * (`$helpdesk#ticketid_<id>` and so on); the physical key and index names come from `shared/data/table.ts`.
 */
import { Entity, type EntityItem, Service } from 'electrodb';
import { documentClient } from '#shared/aws/clients.ts';
import { config } from '#shared/config.ts';
import { roleNames } from '#shared/domain/roles.ts';
import { priorities, ticketStatuses, ticketTypes } from '#shared/domain/ticket.ts';

const service = 'helpdesk';
const nowIso = () => new Date().toISOString();

export const User = new Entity({
  model: { entity: 'user', version: '1', service },
  attributes: {
    userId: { type: 'string', required: true, readOnly: true },
    email: { type: 'string', required: true },
    name: { type: 'string', required: true },
    role: { type: roleNames, required: true },
    /** E.164 phone number for SMS, e.g. `+15555550100`. */
    phone: { type: 'string' },
    /** Whether the user agreed to receive SMS (PRODUCT: "when they have a phone number and opted in"). */
    smsOptIn: { type: 'boolean', default: false },
    createdAt: { type: 'string', readOnly: true, default: nowIso },
  },
  indexes: {
    /** A user profile by id (the Cognito `sub`). */
    byId: { pk: { field: 'pk', composite: ['userId'] }, sk: { field: 'sk', composite: [] } },
  },
});

export const Ticket = new Entity({
  model: { entity: 'ticket', version: '1', service },
  attributes: {
    ticketId: { type: 'string', required: true, readOnly: true },
    /** Human ticket number, from the `ticketNumber` counter. */
    number: { type: 'number', required: true, readOnly: true },
    title: { type: 'string', required: true },
    description: { type: 'string', required: true },
    type: { type: ticketTypes, required: true },
    priority: { type: priorities, required: true },
    status: { type: ticketStatuses, required: true },
    requesterId: { type: 'string', required: true, readOnly: true },
    assigneeId: { type: 'string' },
    approverId: { type: 'string' },
    category: { type: 'string' },
    tags: { type: 'set', items: 'string' },
    /** True once an agent posted a `response` comment (S3: no resolving before a first response). */
    agentResponded: { type: 'boolean', default: false },
    /** Reason given with an approval decision. */
    decisionReason: { type: 'string' },
    decidedBy: { type: 'string' },
    decidedAt: { type: 'string' },
    createdAt: { type: 'string', readOnly: true, required: true },
    updatedAt: { type: 'string', required: true },
    /** Optimistic-locking version, starts at 1, +1 per change (`ETag`/`If-Match`). */
    version: { type: 'number', required: true },
  },
  indexes: {
    /** A ticket by id; `thread` collection with its comments and images. */
    byId: {
      collection: 'thread',
      pk: { field: 'pk', composite: ['ticketId'] },
      sk: { field: 'sk', composite: [] },
    },
    /** Every ticket, newest first (agents' and admins' list). */
    all: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: [] },
      sk: { field: 'gsi1sk', composite: ['createdAt', 'ticketId'] },
    },
    /** A requester's tickets, newest first (requesters' list). */
    byRequester: {
      index: 'gsi2',
      pk: { field: 'gsi2pk', composite: ['requesterId'] },
      sk: { field: 'gsi2sk', composite: ['createdAt', 'ticketId'] },
    },
  },
});

export const Comment = new Entity({
  model: { entity: 'comment', version: '1', service },
  attributes: {
    ticketId: { type: 'string', required: true, readOnly: true },
    commentId: { type: 'string', required: true, readOnly: true },
    authorId: { type: 'string', required: true, readOnly: true },
    /** `request` (by the requester), `response` (by an agent), `note` (internal, never shown to requesters). */
    kind: { type: ['request', 'response', 'note'] as const, required: true },
    body: { type: 'string', required: true },
    createdAt: { type: 'string', readOnly: true, required: true },
    updatedAt: { type: 'string', required: true },
  },
  indexes: {
    /** A ticket's comments in posting order (ULIDs sort by time). */
    byTicket: {
      collection: 'thread',
      pk: { field: 'pk', composite: ['ticketId'] },
      sk: { field: 'sk', composite: ['commentId'] },
    },
  },
});

export const Image = new Entity({
  model: { entity: 'image', version: '1', service },
  attributes: {
    ticketId: { type: 'string', required: true, readOnly: true },
    imageId: { type: 'string', required: true, readOnly: true },
    /** S3 object key: `tickets/<ticketId>/images/<imageId>`. */
    objectKey: { type: 'string', required: true, readOnly: true },
    /** `pending` until the object-created check; then `ready` or `rejected`. */
    status: { type: ['pending', 'ready', 'rejected'] as const, required: true },
    /** The content type the client declared when asking for the upload. */
    declaredContentType: { type: 'string', required: true },
    /** The content type found from the bytes (magic number). */
    contentType: { type: 'string' },
    /** Size in bytes, once uploaded. */
    size: { type: 'number' },
    fileName: { type: 'string' },
    rejectionReason: { type: 'string' },
    uploaderId: { type: 'string', required: true, readOnly: true },
    createdAt: { type: 'string', readOnly: true, required: true },
    updatedAt: { type: 'string', required: true },
  },
  indexes: {
    /** A ticket's images. */
    byTicket: {
      collection: 'thread',
      pk: { field: 'pk', composite: ['ticketId'] },
      sk: { field: 'sk', composite: ['imageId'] },
    },
  },
});

export const Approval = new Entity({
  model: { entity: 'approval', version: '1', service },
  attributes: {
    /** SHA-256 of the link token, hex; the token itself is never stored. */
    tokenHash: { type: 'string', required: true, readOnly: true },
    ticketId: { type: 'string', required: true, readOnly: true },
    approverId: { type: 'string', required: true, readOnly: true },
    createdAt: { type: 'string', readOnly: true, required: true },
    /** Expiry, epoch seconds; also the table's TTL attribute. */
    expiresAt: { type: 'number', required: true, readOnly: true },
    usedAt: { type: 'string' },
    decision: { type: ['approved', 'rejected'] as const },
  },
  indexes: {
    /** An approval link by the hash of its token. */
    byTokenHash: { pk: { field: 'pk', composite: ['tokenHash'] }, sk: { field: 'sk', composite: [] } },
  },
});

export const TicketEvent = new Entity({
  model: { entity: 'ticketEvent', version: '1', service },
  attributes: {
    ticketId: { type: 'string', required: true, readOnly: true },
    eventId: { type: 'string', required: true, readOnly: true },
    actorId: { type: 'string', required: true, readOnly: true },
    /** The changed field, or `created`. */
    field: { type: 'string', required: true },
    from: { type: 'string' },
    to: { type: 'string' },
    at: { type: 'string', required: true, readOnly: true },
  },
  indexes: {
    /** A ticket's audit trail in time order. */
    byTicket: {
      collection: 'history',
      pk: { field: 'pk', composite: ['ticketId'] },
      sk: { field: 'sk', composite: ['eventId'] },
    },
  },
});

export const Notification = new Entity({
  model: { entity: 'notification', version: '1', service },
  attributes: {
    ticketId: { type: 'string', required: true, readOnly: true },
    notificationId: { type: 'string', required: true, readOnly: true },
    recipientId: { type: 'string', required: true },
    /** Email address or E.164 phone number. */
    recipient: { type: 'string' },
    channel: { type: ['email', 'sms'] as const, required: true },
    type: { type: 'string', required: true },
    status: { type: ['sent', 'failed', 'skipped'] as const, required: true },
    error: { type: 'string' },
    providerMessageId: { type: 'string' },
    /** The stream record that caused it (`eventID`). */
    sourceEventId: { type: 'string' },
    at: { type: 'string', required: true },
  },
  indexes: {
    /** A ticket's notification log in time order. */
    byTicket: {
      collection: 'notifications',
      pk: { field: 'pk', composite: ['ticketId'] },
      sk: { field: 'sk', composite: ['notificationId'] },
    },
  },
});

export const Counter = new Entity({
  model: { entity: 'counter', version: '1', service },
  attributes: {
    name: { type: 'string', required: true, readOnly: true },
    value: { type: 'number', required: true },
  },
  indexes: {
    /** A named counter (human ticket numbers). */
    byName: { pk: { field: 'pk', composite: ['name'] }, sk: { field: 'sk', composite: [] } },
  },
});

const entities = { User, Ticket, Comment, Image, Approval, TicketEvent, Notification, Counter };
const helpdesk = new Service(entities);
let configured = false;

/**
 * The service with its table name and client set (on first use, so that importing this module needs no
 * environment, e.g. in unit tests).
 */
export function db() {
  if (!configured) {
    helpdesk.setTableName(config.tableName);
    helpdesk.setClient(documentClient());
    configured = true;
  }
  return helpdesk;
}

export type UserItem = EntityItem<typeof User>;
export type TicketItem = EntityItem<typeof Ticket>;
export type CommentItem = EntityItem<typeof Comment>;
export type ImageItem = EntityItem<typeof Image>;
export type ApprovalItem = EntityItem<typeof Approval>;
export type TicketEventItem = EntityItem<typeof TicketEvent>;
export type NotificationItem = EntityItem<typeof Notification>;

/** ElectroDB's entity-name attribute on every item (useful to classify stream records). */
export const entityNameAttribute = '__edb_e__';
