/** What ticket operations throw. The route wrapper maps each kind to a problem (`shared/platform/http/problem.ts`). */
import { DomainError, NotFound } from '#shared/platform/errors.ts';
import type { TicketStatus } from '#shared/tickets/lifecycle.ts';

/** The ticket does not exist, or the actor may not see it (the same answer, so ids cannot be probed). */
export class TicketNotFound extends NotFound {
  override readonly name = 'TicketNotFound';

  constructor() {
    super('Ticket');
  }
}

/** The lifecycle does not allow this status change, or not to this actor; `allowed` lists what they may do. */
export class TransitionNotAllowed extends DomainError {
  override readonly name = 'TransitionNotAllowed';
  readonly kind = 'invalid-transition' as const;

  constructor(
    reason: string,
    readonly from: TicketStatus,
    readonly to: TicketStatus,
    readonly allowed: readonly TicketStatus[],
  ) {
    super(reason, { from, to, allowed });
  }
}
