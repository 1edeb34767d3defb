/** The notifier: the function the table's stream starts (no HTTP route). */
import type { EventSource } from '#shared/platform/route-table.ts';

/** DynamoDB stream consumer: sends the emails and SMS the features' stream rules call for. */
export const notifierSource = {
  id: 'Notifier',
  entry: 'functions/notifications/on-table-change.ts',
  summary: 'Sends the notifications that table changes call for',
} as const satisfies EventSource;
