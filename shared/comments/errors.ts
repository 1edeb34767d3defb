/** What comment operations throw. The route wrapper maps each kind to a problem (`shared/platform/http/problem.ts`). */
import { Conflict, NotFound } from '#shared/platform/errors.ts';

/**
 * The comment does not exist, or the actor may not see it: its ticket is not theirs to see, or it is an internal
 * note and they are not an agent (the same answer, so ids cannot be probed).
 */
export class CommentNotFound extends NotFound {
  override readonly name = 'CommentNotFound';

  constructor() {
    super('Comment');
  }
}

/** An edit or delete aimed at the ticket's description, which is the ticket's first message, not a comment. */
export class DescriptionIsNotAComment extends Conflict {
  override readonly name = 'DescriptionIsNotAComment';

  constructor(ticketId: string, change: 'edit' | 'delete') {
    super(
      change === 'delete'
        ? "This is the ticket's description, its first message: it cannot be deleted."
        : `This is the ticket's description, its first message: change it with PATCH /tickets/${ticketId} (field description).`,
      { ticketId },
    );
  }
}
