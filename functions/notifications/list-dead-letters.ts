/**
 * `GET /notifications/dead-letters?limit=` (`canManageUsers`): peek at up to `limit` (1-50, default 10) messages of
 * the delivery dead-letter queue, each summarised (never its body), and the queue's approximate message count.
 * The messages stay in the queue.
 */
import { listDeadLetters } from '#shared/notifications/dead-letters.ts';
import { listDeadLettersRoute } from '#shared/notifications/routes.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(listDeadLettersRoute, async ({ query }) => ok(await listDeadLetters(query)));
