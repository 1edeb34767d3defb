/** What customer operations throw. The route wrapper maps each kind to a problem (`shared/platform/http/problem.ts`). */
import { Conflict, NotFound } from '#shared/platform/errors.ts';

/** The customer does not exist, or the actor may not see it (the same answer, so ids cannot be probed). */
export class CustomerNotFound extends NotFound {
  override readonly name = 'CustomerNotFound';

  constructor() {
    super('The customer');
  }
}

/**
 * Another customer of the same owner already has this email (compared lower-cased). `existingCustomerId` names it,
 * so the client can open it instead.
 */
export class DuplicateCustomerEmail extends Conflict {
  override readonly name = 'DuplicateCustomerEmail';

  constructor(email: string, existingCustomerId: string | undefined) {
    super(
      existingCustomerId
        ? `This owner already has a customer with the email ${email}: ${existingCustomerId}.`
        : `This owner already has a customer with the email ${email}.`,
      { existingCustomerId: existingCustomerId ?? null, email },
    );
  }
}

/**
 * The customer still has tickets linked: unlink them (`PATCH /tickets/{ticketId}` `customerId: null`), or delete
 * with `force=true` (`canDeleteAll`), which unlinks them.
 */
export class CustomerHasTickets extends Conflict {
  override readonly name = 'CustomerHasTickets';

  constructor(ticketCount: number, detail?: string) {
    super(
      detail ??
        `The customer has ${ticketCount} ticket(s). Unlink them first, or delete with force=true (needs ` +
          'canDeleteAll), which unlinks them; the tickets and their history stay.',
      { ticketCount },
    );
  }
}
