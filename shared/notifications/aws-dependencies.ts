/**
 * The sender's real dependencies: the table, SES and SNS, and Powertools idempotency on the table. IAM the function
 * needs: `ses:SendEmail` (from `MAIL_FROM`), `sns:Publish` (to phone numbers: resource `*`), and on the table
 * `dynamodb:GetItem` (tickets, users, idempotency records), `PutItem` (approval links, idempotency records),
 * `UpdateItem` (notification log, idempotency records) and `DeleteItem` (idempotency records, unsent links), plus
 * what consuming the delivery queue takes.
 */

import { approvalKey, approvalRecord } from '#shared/approvals/approval.entity.ts';
import { emailChannel } from '#shared/notifications/channels/email.ts';
import { smsChannel } from '#shared/notifications/channels/sms.ts';
import { deliverOnce } from '#shared/notifications/idempotency.ts';
import type { TicketSummary } from '#shared/notifications/intents.ts';
import { notificationEntity, notificationKey } from '#shared/notifications/notification.entity.ts';
import type { SenderDependencies } from '#shared/notifications/sender.ts';
import { config } from '#shared/platform/config.ts';
import { deleteItem, itemIsNew, transactWrite, updateItem } from '#shared/platform/db.ts';
import { approvalLinkRefRecord } from '#shared/tickets/approval-links.ts';
import { findTicket } from '#shared/tickets/operations.ts';
import { findUser } from '#shared/users/profiles.ts';

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
    // One row per delivery: each attempt rewrites its fields and counts itself atomically.
    async recordNotification(entry, { countAttempt }) {
      const { ticketId, notificationId, ...fields } = entry;
      await updateItem(notificationKey(ticketId, notificationId), {
        set: { ...fields, ticketId, notificationId, entityType: notificationEntity },
        ...(countAttempt ? { add: { attempts: 1 } } : {}),
      });
    },
    channels: { email: emailChannel(), sms: smsChannel() },
    once: (key, attempt) => deliverOnce()(key, attempt),
    linkSettings: () => ({
      publicApiUrl: config.publicApiUrl,
      approvalLinkTtlSeconds: config.approvalLinkTtlSeconds,
    }),
  };
}
