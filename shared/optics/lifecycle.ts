/**
 * An optics request's lifecycle (PRODUCT "Operations": admins approve, deny or archive). Pure data, mirrored in
 * `docs/data-model.md` ("Optics"): each action, the statuses it applies to and the status it leads to. Anything
 * else is refused (409 `invalid-transition` listing the actions the request allows).
 *
 * | action    | from                          | to       |
 * |-----------|-------------------------------|----------|
 * | `approve` | `pending`                     | approved |
 * | `deny`    | `pending` (reason required)   | denied   |
 * | `archive` | `pending`, `approved`, `denied` | archived |
 */
import type { OpticsStatus } from '#shared/optics/optics.entity.ts';

export const opticsActions = ['approve', 'deny', 'archive'] as const;
export type OpticsAction = (typeof opticsActions)[number];

export const opticsTransitions: Readonly<
  Record<OpticsAction, { readonly from: readonly OpticsStatus[]; readonly to: OpticsStatus }>
> = {
  approve: { from: ['pending'], to: 'approved' },
  deny: { from: ['pending'], to: 'denied' },
  archive: { from: ['pending', 'approved', 'denied'], to: 'archived' },
};

/** The actions a request in this status allows. */
export const allowedOpticsActions = (status: OpticsStatus): OpticsAction[] =>
  opticsActions.filter((action) => opticsTransitions[action].from.includes(status));

/** The status an action leads to from `status`, or `undefined` when the table has no such transition. */
export const opticsTransition = (status: OpticsStatus, action: OpticsAction): OpticsStatus | undefined =>
  opticsTransitions[action].from.includes(status) ? opticsTransitions[action].to : undefined;
