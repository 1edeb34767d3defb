/** What macro operations throw. The route wrapper maps each kind to a problem (`shared/platform/http/problem.ts`). */
import { NotFound } from '#shared/platform/errors.ts';

/**
 * The macro does not exist, or the actor may not see it (another agent's personal macro): the same answer, so ids
 * cannot be probed.
 */
export class MacroNotFound extends NotFound {
  override readonly name = 'MacroNotFound';

  constructor() {
    super('Macro');
  }
}
