/** One change of a ticket (who, when, field, old → new): its audit trail. `pk = TICKET#<id>`, `sk = EVENT#<eventId>`. */
export interface TicketEventItem {
  readonly ticketId: string;
  /** ULID: events sort by time. */
  readonly eventId: string;
  readonly actorId: string;
  /** The changed field, `created`, or a comment's change: see {@link ticketEventFields}. */
  readonly field: TicketEventField;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** True when the event is about an internal note: shown to agents only (never in a requester's audit trail). */
  readonly internal?: boolean | undefined;
  /** ISO 8601. */
  readonly at: string;
  /**
   * The ticket version this change made (each change of the ticket item bumps it by one); absent on events that do
   * not change the ticket item (comment edits and deletions) and on events written before it was recorded.
   */
  readonly version?: number | undefined;
  /** The macro whose application made this change (`shared/macros/`), named as it was then; absent otherwise. */
  readonly macro?: { readonly macroId: string; readonly name: string } | undefined;
  /**
   * The id of the comment whose mail also tells of this change (a macro's response with a status change): the
   * requester gets one mail for the combined change, so this event's own mail is left out (`stream-rules.ts`).
   */
  readonly mailedWith?: string | undefined;
}

/**
 * What an audit event is about: `created` (the creation, `to` the initial status); a field a change sets (the
 * editable fields, `assigneeId`, `status`, `decisionReason`: `auditEventsOf` in `operations.ts`); or a comment's
 * edit or deletion (`from` its id: `shared/comments/operations.ts`); `comment.added` (`to` its id) only for a macro's
 * reply (`shared/macros/operations.ts`).
 */
export const ticketEventFields = [
  'created',
  'status',
  'title',
  'description',
  'type',
  'priority',
  'category',
  'tags',
  'assigneeId',
  'customerId',
  'requestDetails',
  'decisionReason',
  'comment.edited',
  'comment.deleted',
  'comment.added',
] as const;
export type TicketEventField = (typeof ticketEventFields)[number];

export const ticketEventEntity = 'ticketEvent';

/** The key of an audit event. */
export const ticketEventKey = (ticketId: string, eventId: string) => ({
  pk: `TICKET#${ticketId}`,
  sk: `EVENT#${eventId}`,
});

/** The stored item of an audit event. */
export const ticketEventRecord = (event: TicketEventItem) => ({
  ...event,
  ...ticketEventKey(event.ticketId, event.eventId),
  entityType: ticketEventEntity,
});
