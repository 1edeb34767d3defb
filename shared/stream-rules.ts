/**
 * Every stream rule of the service: what each feature's item changes notify. The notifier runs them and its event
 * source filters are generated from them. Nothing else lives here; a feature with notifications adds its
 * `stream-rules.ts` and one line below.
 */
import { approvalStreamRules } from '#shared/approvals/stream-rules.ts';
import { commentStreamRules } from '#shared/comments/stream-rules.ts';
import { inventoryStreamRules } from '#shared/inventory/stream-rules.ts';
import { messageStreamRules } from '#shared/messages/stream-rules.ts';
import type { StreamRule } from '#shared/notifications/intents.ts';
import { opticsStreamRules } from '#shared/optics/stream-rules.ts';
import { ticketStreamRules } from '#shared/tickets/stream-rules.ts';

export const streamRules: readonly StreamRule[] = [
  ...approvalStreamRules,
  ...ticketStreamRules,
  ...commentStreamRules,
  ...messageStreamRules,
  ...opticsStreamRules,
  ...inventoryStreamRules,
];
