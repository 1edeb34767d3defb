/**
 * A quota counter: the paid sends of one subject in one window of one quota (`quotas.ts`).
 * `pk = QUOTA#<quota>#<subjectId>`, `sk = WINDOW#<window start, ISO 8601>`; attributes `n` (uses counted, an atomic
 * `ADD`), `counted` (string set of the count keys counted, at most `limit` of them), `expiresAt` (the table's TTL:
 * the window's end plus 18 days). Read and written by key only (UpdateItem, GetItem), never queried; no
 * `entityType`, so no list or stream rule sees it.
 */
import type { QuotaName } from '#shared/notifications/quotas.ts';

/** The key of a counter. */
export const quotaCounterKey = (quota: QuotaName, subjectId: string, windowId: string) => ({
  pk: `QUOTA#${quota}#${subjectId}`,
  sk: `WINDOW#${windowId}`,
});

/** The stored counter. */
export interface QuotaCounterItem {
  readonly pk: string;
  readonly sk: string;
  readonly n: number;
  readonly counted?: ReadonlySet<string>;
  readonly expiresAt: number;
}
