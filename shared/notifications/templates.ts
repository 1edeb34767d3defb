/**
 * The words of every notification: an email (subject, plain text, HTML) and an SMS text per message type. Pure;
 * unit-tested in `test/unit/notify-templates.test.ts`.
 *
 * Every string that came from a user (title, description, names, reasons, comment bodies) is escaped in HTML and
 * flattened to one line in subjects. SMS stay within {@link smsMaxLength} characters, the approval link always whole.
 */
import type { TicketSummary } from '#shared/notifications/intents.ts';

/** The facts one message is written from. */
export type MessageFacts =
  | {
      readonly type: 'approval_requested';
      readonly ticket: TicketSummary;
      /** The requester's display name, if their profile was found. */
      readonly requesterName: string | undefined;
      /** The approval page URL carrying the one-time token. */
      readonly link: string;
      /** When the link stops working, ISO 8601. */
      readonly linkExpiresAt: string;
    }
  | {
      readonly type: 'approval_decided';
      readonly ticket: TicketSummary;
      readonly decision: 'approved' | 'rejected';
      readonly reason: string | undefined;
    }
  | {
      readonly type: 'status_changed';
      readonly ticket: TicketSummary;
      readonly from: string;
      readonly to: string;
    }
  | { readonly type: 'assigned'; readonly ticket: TicketSummary }
  | {
      readonly type: 'agent_response';
      readonly ticket: TicketSummary;
      /** The agent's display name, if their profile was found. */
      readonly authorName: string | undefined;
      readonly body: string;
    }
  | {
      readonly type: 'requester_reply';
      readonly ticket: TicketSummary;
      /** The requester's display name, if their profile was found. */
      readonly authorName: string | undefined;
      readonly body: string;
    };

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Longest SMS this service sends, characters (two concatenated GSM segments are 306). */
export const smsMaxLength = 300;

/** HTML-escapes `& < > " '`, so user text can neither open tags nor leave attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The text on one line: control characters (CR, LF, tabs) become spaces, runs of spaces one. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return text.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
}

/** At most `max` characters of the text on one line, with `…` when cut. */
export function excerpt(text: string, max: number): string {
  const flat = oneLine(text);
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** A status as people read it: `in_progress` → `in progress`. */
export const statusLabel = (status: string): string => status.replaceAll('_', ' ');

const ticketRef = (ticket: TicketSummary) => `#${ticket.number}`;
const quotedTitle = (ticket: TicketSummary, max = 120) => `"${excerpt(ticket.title, max)}"`;

/** A subject line: one line, at most 160 characters. */
const subject = (text: string) => excerpt(text, 160);

function paragraphsToHtml(heading: string, paragraphs: readonly string[]): string {
  return [
    '<!doctype html>',
    '<html><body style="font-family: Arial, Helvetica, sans-serif; line-height: 1.5; color: #1f2328">',
    `<h2 style="font-size: 18px">${heading}</h2>`,
    ...paragraphs.map((p) => `<p>${p}</p>`),
    '</body></html>',
  ].join('\n');
}

/**
 * The email for a message.
 * @returns subject (one line), text body and HTML body with every user-provided string escaped
 */
export function renderEmail(facts: MessageFacts): EmailContent {
  const { ticket } = facts;
  const title = excerpt(ticket.title, 120);
  const titleHtml = escapeHtml(title);
  switch (facts.type) {
    case 'approval_requested': {
      const requester = facts.requesterName ? oneLine(facts.requesterName) : 'A requester';
      const description = excerpt(ticket.description, 500);
      const expires = formatTime(facts.linkExpiresAt);
      return {
        subject: subject(`Approval needed: ${ticketRef(ticket)} ${title}`),
        text: [
          `${requester} asks for your approval of ticket ${ticketRef(ticket)}.`,
          '',
          `Title: ${title}`,
          `Priority: ${ticket.priority}`,
          `Requested by: ${requester}`,
          '',
          description,
          '',
          `Review and approve or reject: ${facts.link}`,
          '',
          `The link is for you alone, works once and expires on ${expires}.`,
        ].join('\n'),
        html: paragraphsToHtml(`Approval needed: ticket ${ticketRef(ticket)}`, [
          `${escapeHtml(requester)} asks for your approval of ticket ${ticketRef(ticket)}.`,
          `<strong>Title:</strong> ${titleHtml}<br><strong>Priority:</strong> ${escapeHtml(ticket.priority)}<br>` +
            `<strong>Requested by:</strong> ${escapeHtml(requester)}`,
          escapeHtml(description),
          `<a href="${escapeHtml(facts.link)}">Review and approve or reject</a>`,
          `<small>The link is for you alone, works once and expires on ${escapeHtml(expires)}.</small>`,
        ]),
      };
    }
    case 'approval_decided': {
      const reason = facts.reason ? excerpt(facts.reason, 1000) : undefined;
      const outcome = `Your request ${ticketRef(ticket)} ${quotedTitle(ticket)} was ${facts.decision}.`;
      return {
        subject: subject(`Request ${ticketRef(ticket)} ${facts.decision}: ${title}`),
        text: [outcome, ...(reason ? ['', `Reason: ${reason}`] : [])].join('\n'),
        html: paragraphsToHtml(`Request ${ticketRef(ticket)} ${facts.decision}`, [
          escapeHtml(outcome),
          ...(reason ? [`<strong>Reason:</strong> ${escapeHtml(reason)}`] : []),
        ]),
      };
    }
    case 'status_changed': {
      const from = statusLabel(facts.from);
      const to = statusLabel(facts.to);
      const line = `The status of your ticket ${ticketRef(ticket)} ${quotedTitle(ticket)} changed from ${from} to ${to}.`;
      return {
        subject: subject(`Ticket ${ticketRef(ticket)} is now ${to}: ${title}`),
        text: line,
        html: paragraphsToHtml(`Ticket ${ticketRef(ticket)} is now ${escapeHtml(to)}`, [escapeHtml(line)]),
      };
    }
    case 'assigned': {
      const description = excerpt(ticket.description, 500);
      return {
        subject: subject(`Ticket ${ticketRef(ticket)} assigned to you: ${title}`),
        text: [
          `Ticket ${ticketRef(ticket)} is now assigned to you.`,
          '',
          `Title: ${title}`,
          `Priority: ${ticket.priority}`,
          `Status: ${statusLabel(ticket.status)}`,
          '',
          description,
        ].join('\n'),
        html: paragraphsToHtml(`Ticket ${ticketRef(ticket)} assigned to you`, [
          `<strong>Title:</strong> ${titleHtml}<br><strong>Priority:</strong> ${escapeHtml(ticket.priority)}<br>` +
            `<strong>Status:</strong> ${escapeHtml(statusLabel(ticket.status))}`,
          escapeHtml(description),
        ]),
      };
    }
    case 'agent_response': {
      const author = facts.authorName ? oneLine(facts.authorName) : 'An agent';
      const body = facts.body.trim().slice(0, 4000);
      const line = `${author} replied to your ticket ${ticketRef(ticket)} ${quotedTitle(ticket)}:`;
      return {
        subject: subject(`New reply on ticket ${ticketRef(ticket)}: ${title}`),
        text: `${line}\n\n${body}`,
        html: paragraphsToHtml(`New reply on ticket ${ticketRef(ticket)}`, [
          escapeHtml(line),
          `<span style="white-space: pre-wrap">${escapeHtml(body)}</span>`,
        ]),
      };
    }
    case 'requester_reply': {
      const author = facts.authorName ? oneLine(facts.authorName) : 'The requester';
      const body = facts.body.trim().slice(0, 4000);
      const line = `${author} wrote on ticket ${ticketRef(ticket)} ${quotedTitle(ticket)}, which is assigned to you:`;
      return {
        subject: subject(`New message on ticket ${ticketRef(ticket)}: ${title}`),
        text: `${line}\n\n${body}`,
        html: paragraphsToHtml(`New message on ticket ${ticketRef(ticket)}`, [
          escapeHtml(line),
          `<span style="white-space: pre-wrap">${escapeHtml(body)}</span>`,
        ]),
      };
    }
  }
}

/**
 * The SMS for a message: one line of plain text of at most {@link smsMaxLength} characters. The approval link is
 * never cut; the words before it are shortened instead.
 */
export function renderSms(facts: MessageFacts): string {
  const { ticket } = facts;
  switch (facts.type) {
    case 'approval_requested': {
      const from = facts.requesterName ? ` from ${excerpt(facts.requesterName, 40)}` : '';
      const tail = ` Review: ${facts.link}`;
      const head = `Approval needed for ticket ${ticketRef(ticket)} ${quotedTitle(ticket, 60)} (${ticket.priority})${from}.`;
      return `${excerpt(head, Math.max(20, smsMaxLength - tail.length))}${tail}`;
    }
    case 'approval_decided': {
      const reason = facts.reason ? ` Reason: ${oneLine(facts.reason)}` : '';
      return excerpt(
        `Your request ${ticketRef(ticket)} ${quotedTitle(ticket, 60)} was ${facts.decision}.${reason}`,
        smsMaxLength,
      );
    }
    case 'status_changed':
      return excerpt(
        `Your ticket ${ticketRef(ticket)} ${quotedTitle(ticket, 60)} is now ${statusLabel(facts.to)}.`,
        smsMaxLength,
      );
    case 'assigned':
      return excerpt(
        `Ticket ${ticketRef(ticket)} ${quotedTitle(ticket, 60)} (${ticket.priority}) is assigned to you.`,
        smsMaxLength,
      );
    case 'agent_response':
      return excerpt(`New reply on your ticket ${ticketRef(ticket)}: ${facts.body}`, smsMaxLength);
    case 'requester_reply':
      return excerpt(
        `New message on ticket ${ticketRef(ticket)} (assigned to you): ${facts.body}`,
        smsMaxLength,
      );
  }
}

/** `2026-12-01 10:00 UTC` from an ISO time. */
function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
