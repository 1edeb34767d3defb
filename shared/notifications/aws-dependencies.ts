/**
 * The notifier's real dependencies: the table, SES and SNS, and Powertools idempotency on the
 * table. IAM the function needs: `ses:SendEmail` (from `MAIL_FROM`), `sns:Publish` (to phone numbers: resource
 * `*`), and on the table `dynamodb:GetItem` (tickets, users, idempotency records), `PutItem` (approval links,
 * notification log, idempotency records), `UpdateItem` and `DeleteItem` (idempotency records, unsent links), plus
 * the stream read permissions of the event source.
 */

import { approvalKey, approvalRecord } from '#shared/approvals/approval.entity.ts';
import { emailChannel } from '#shared/notifications/channels/email.ts';
import { smsChannel } from '#shared/notifications/channels/sms.ts';
import { deliverOnce } from '#shared/notifications/idempotency.ts';
import type { TicketSummary } from '#shared/notifications/intents.ts';
import { notificationRecord } from '#shared/notifications/notification.entity.ts';
import type { NotifierDependencies } from '#shared/notifications/notifier.ts';
import { config } from '#shared/platform/config.ts';
import { deleteItem, itemIsNew, putItem, transactWrite } from '#shared/platform/db.ts';
import { approvalLinkRefRecord } from '#shared/tickets/approval-links.ts';
import { findTicket } from '#shared/tickets/operations.ts';
import { findUser } from '#shared/users/profiles.ts';

/** Dependencies bound to the table, SES and SNS. Nothing is read from the environment before first use. */
export function awsNotifierDependencies(): NotifierDependencies {
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
    recordNotification: (entry) => putItem(notificationRecord(entry)),
    channels: { email: emailChannel(), sms: smsChannel() },
    once: (key, attempt) => deliverOnce()(key, attempt),
    linkSettings: () => ({
      publicApiUrl: config.publicApiUrl,
      approvalLinkTtlSeconds: config.approvalLinkTtlSeconds,
    }),
  };
}
