/** What direct message operations throw. The route wrapper maps each kind to a problem. */
import { NotFound } from '#shared/platform/errors.ts';

/** The message does not exist, or the actor is neither its sender nor its recipient (the same answer). */
export class MessageNotFound extends NotFound {
  override readonly name = 'MessageNotFound';

  constructor() {
    super('Message');
  }
}

/**
 * The person to write to has no profile, or the actor may not message them (a requester writing to someone who
 * works none of their tickets): the same answer, so user ids cannot be probed.
 */
export class RecipientNotFound extends NotFound {
  override readonly name = 'RecipientNotFound';

  constructor() {
    super('User');
  }
}
