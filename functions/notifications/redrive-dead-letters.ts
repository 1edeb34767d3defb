/**
 * `POST /notifications/dead-letters/redrive` (`canManageUsers`): move up to `max` (1-1000, default 100) messages
 * from the delivery dead-letter queue back to the delivery queue. 200 `{ moved, failed, remaining }`; call again
 * while `remaining` is above 0. Safe to repeat: a delivery already sent is not sent again.
 */
import { redriveDeadLetters } from '#shared/notifications/dead-letters.ts';
import { redriveDeadLettersRoute } from '#shared/notifications/routes.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

/**
 * Rounds start only within this many milliseconds, so the answer comes inside the function's 10 s timeout
 * (`lib/constructs/service-function.ts`) even for `max` 1000; what is left waits for the next call.
 */
const redriveTimeBudgetMs = 6_000;

export const handler = route(redriveDeadLettersRoute, async ({ body }) =>
  ok(await redriveDeadLetters({ max: body.max, stopAfterMs: redriveTimeBudgetMs })),
);
