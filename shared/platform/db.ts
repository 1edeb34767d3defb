/**
 * The ElectroDB service over the one table: it composes every feature's entities (one file each, in the
 * feature's folder) so that transactions can span them. Each index of an entity is a named access pattern;
 * `docs/data-model.md` lists every pattern with its key and the request that uses it.
 *
 * Partitions: a ticket, its comments, images, audit events and notification log share the ticket's partition;
 * `thread` is the collection one Query reads for `GET /tickets/{ticketId}`. Lists use GSIs (gsi1: every ticket by
 * creation time, for agents; gsi2: a requester's tickets by creation time). Keys are written by ElectroDB
 * (`$helpdesk#ticketid_<id>` and so on); the physical key and index names come from `shared/platform/table.ts`.
 */
import { Service } from 'electrodb';
import { Approval } from '#shared/approvals/approval.entity.ts';
import { Comment } from '#shared/comments/comment.entity.ts';
import { Image } from '#shared/images/image.entity.ts';
import { Notification } from '#shared/notifications/notification.entity.ts';
import { documentClient } from '#shared/platform/aws-clients.ts';
import { config } from '#shared/platform/config.ts';
import { Counter } from '#shared/tickets/counter.entity.ts';
import { Ticket } from '#shared/tickets/ticket.entity.ts';
import { TicketEvent } from '#shared/tickets/ticket-event.entity.ts';
import { User } from '#shared/users/user.entity.ts';

const entities = { User, Ticket, Comment, Image, Approval, TicketEvent, Notification, Counter };
const helpdesk = new Service(entities);
let configured = false;

/**
 * The service with its table name and client set (on first use, so that importing this module needs no
 * environment, e.g. in unit tests).
 */
export function db() {
  if (!configured) {
    helpdesk.setTableName(config.tableName);
    helpdesk.setClient(documentClient());
    configured = true;
  }
  return helpdesk;
}
