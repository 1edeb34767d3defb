/**
 * The sender's real dependencies: the table, SES and SNS, and Powertools idempotency on the table. IAM the function
 * needs: `ses:SendEmail` (from `MAIL_FROM`), `sns:Publish` (to phone numbers: resource `*`), and on the table
 * `dynamodb:GetItem` (tickets, users, mailboxes, idempotency records, quota counters), `Query` on gsi5 (the members
 * of a role), `PutItem` (approval links, idempotency records), `UpdateItem` (notification log, idempotency records,
 * quota counters, mailbox digest markers) and `DeleteItem` (idempotency
 * records, unsent links), plus what consuming the delivery queue takes.
 */

import { approvalKey, approvalRecord } from '#shared/approvals/approval.entity.ts';
import { mailboxesInTable } from '#shared/messages/digest.ts';
import { emailChannel } from '#shared/notifications/channels/email.ts';
import { smsChannel } from '#shared/notifications/channels/sms.ts';
import { deliverOnce } from '#shared/notifications/idempotency.ts';
import type { TicketSummary } from '#shared/notifications/intents.ts';
import {
  notificationEntity,
  notificationIndexKeys,
  notificationRowKey,
} from '#shared/notifications/notification.entity.ts';
import { type QuotaCounterItem, quotaCounterKey } from '#shared/notifications/quota-counter.entity.ts';
import type { QuotaCounter } from '#shared/notifications/quotas.ts';
import { groupMembers } from '#shared/notifications/recipient-groups.ts';
import type { SenderDependencies } from '#shared/notifications/sender.ts';
import { config } from '#shared/platform/config.ts';
import { deleteItem, getItem, itemIsNew, transactWrite, updateItem } from '#shared/platform/db.ts';
import { ttlAttribute } from '#shared/platform/table.ts';
import { approvalLinkRefRecord } from '#shared/tickets/approval-links.ts';
import { findTicket } from '#shared/tickets/operations.ts';
import { findUser } from '#shared/users/profiles.ts';

/**
 * The quota counter on the table (`quota-counter.entity.ts`): one UpdateItem per use,
 * `ADD n 1, counted {countKey}` under `(attribute_not_exists(n) OR n < limit) AND NOT contains(counted, countKey)`,
 * so concurrent senders can never count past the limit, and a key is counted once. Only when the condition fails
 * (over the limit, or the key was counted before) one strongly consistent GetItem tells the two apart.
 */
export const countQuotaInTable: QuotaCounter = async ({ quota, subjectId, window, limit, countKey }) => {
  const key = quotaCounterKey(quota, subjectId, window.id);
  const counted = await updateItem(
    key,
    // A one-key string set: ADD merges it into `counted` (the cast only widens `add`'s number type for it).
    {
      set: { [ttlAttribute]: window.expiresAt },
      add: { n: 1, counted: new Set([countKey]) as unknown as number },
    },
    {
      condition: {
        expression: '(attribute_not_exists(#qn) OR #qn < :limit) AND NOT contains(#qc, :countKey)',
        names: { '#qn': 'n', '#qc': 'counted' },
        values: { ':limit': limit, ':countKey': countKey },
      },
    },
  );
  if (counted !== false) return true;
  const counter = await getItem<QuotaCounterItem>(key, { consistent: true });
  return counter?.counted?.has(countKey) === true;
};

/** Dependencies bound to the table, SES and SNS. Nothing is read from the environment before first use. */
export function awsSenderDependencies(): SenderDependencies {
  return {
    async findUser(userId) {
      const user = await findUser(userId);
      if (!user) return undefined;
      return {
        userId: user.userId,
        name: user.name,
        email: user.email,
        phone: user.phone,
        smsOptIn: user.smsOptIn,
        phoneVerified: user.phoneVerified,
        emailVerified: user.emailVerified,
        disabled: user.disabled,
        messageEmails: user.messageEmails,
      };
    },
    async findTicket(ticketId): Promise<TicketSummary | undefined> {
      const data = await findTicket(ticketId);
      if (!data) return undefined;
      return {
        ticketId: data.ticketId,
        number: data.number,
        title: data.title,
        description: data.description,
        priority: data.priority,
        status: data.status,
        requesterId: data.requesterId,
        assigneeId: data.assigneeId,
        approverId: data.approverId,
        // A group-approved cable request: who is asked, and what (the approval messages list the details).
        approverGroup: data.approverGroup,
        approverIds: data.approverIds ? [...data.approverIds] : undefined,
        requestDetails: data.requestDetails,
        decisionReason: data.decisionReason,
        decidedBy: data.decidedBy,
      };
    },
    // The link and its pointer in the ticket's partition, together: deleting the ticket then deletes the link.
    async saveApproval(approval) {
      const saved = await transactWrite([
        { put: approvalRecord(approval), condition: itemIsNew },
        { put: approvalLinkRefRecord(approval) },
      ]);
      if (!saved.ok) throw new Error(`Approval link not saved: ${saved.reasons.join(', ')}`);
    },
    deleteApproval: (tokenHash) => deleteItem(approvalKey(tokenHash)),
    // One row per delivery: each attempt rewrites its fields and counts itself atomically.
    // A message about no ticket writes its rows in the partition of what it is `about`.
    async recordNotification(entry, { countAttempt }) {
      const { notificationId, ...fields } = entry;
      await updateItem(notificationRowKey(entry), {
        set: {
          ...fields,
          ...notificationIndexKeys(notificationId, fields.status),
          notificationId,
          entityType: notificationEntity,
        },
        ...(countAttempt ? { add: { attempts: 1 } } : {}),
      });
    },
    channels: { email: emailChannel(), sms: smsChannel() },
    digest: mailboxesInTable(),
    groupMembers,
    once: (key, attempt) => deliverOnce()(key, attempt),
    countQuota: countQuotaInTable,
    linkSettings: () => ({
      publicApiUrl: config.publicApiUrl,
      approvalLinkTtlSeconds: config.approvalLinkTtlSeconds,
    }),
  };
}
