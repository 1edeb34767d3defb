/** One change of a ticket (who, when, field, old → new): its audit trail. `pk = TICKET#<id>`, `sk = EVENT#<eventId>`. */
export interface TicketEventItem {
  readonly ticketId: string;
  /** ULID: events sort by time. */
  readonly eventId: string;
  readonly actorId: string;
  /** The changed field, or `created`. */
  readonly field: string;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** True when the event is about an internal note: shown to agents only (never in a requester's audit trail). */
  readonly internal?: boolean | undefined;
  /** ISO 8601. */
  readonly at: string;
}

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
