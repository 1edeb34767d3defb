/**
 * The words of every notification: an email (subject, plain text, HTML) and an SMS text per message type. Pure;
 * unit-tested in `test/unit/notify-templates.test.ts`.
 *
 * Every string that came from a user (title, description, names, reasons, comment bodies) first loses its invisible
 * characters ({@link withoutInvisibles}, applied once to the facts by {@link renderEmail} and {@link renderSms}), is
 * escaped in HTML and flattened to one line in subjects. SMS stay within {@link smsMaxLength} characters, the
 * approval link always whole.
 */
import { formatLength } from '#shared/inventory/cable.ts';
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

/**
 * Unicode bidirectional controls (U+061C ARABIC LETTER MARK, U+200E/U+200F LRM/RLM, U+202A–U+202E embeddings and
 * overrides, U+2066–U+2069 isolates) and zero-width characters (U+200B–U+200D ZWSP/ZWNJ/ZWJ, U+2060 WORD JOINER,
 * U+FEFF BOM/ZWNBSP). In a user's text they can reorder what a reader sees ("Trojan Source", CVE-2021-42574; an
 * RLO turns `exe.pdf` around) or hide and split words (a link or a name that reads as another), so they are removed
 * from every user string a message quotes (issue 9, content injection).
 */
const invisibles = /[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

/** The text without bidirectional controls and zero-width characters ({@link invisibles}). */
export function withoutInvisibles(text: string): string {
  return text.replace(invisibles, '');
}

/** The fields of the facts that hold user text, besides the ticket's title and description. */
const userTextFields = ['requesterName', 'reason', 'authorName', 'body'] as const;

/**
 * The facts with every user-provided string (ticket title and description, requester, author and decision reason,
 * comment body) passed through {@link withoutInvisibles}: the one place where user text enters the templates.
 */
export function userTextSafe(facts: MessageFacts): MessageFacts {
  const { ticket } = facts;
  const details = ticket.requestDetails;
  const safeText = (text: string | undefined) => (text === undefined ? undefined : withoutInvisibles(text));
  const safe: Record<string, unknown> = {
    ...facts,
    ticket: {
      ...ticket,
      title: withoutInvisibles(ticket.title),
      description: withoutInvisibles(ticket.description),
      ...(details
        ? {
            requestDetails: {
              ...details,
              gauge: safeText(details.gauge),
              location: safeText(details.location),
              notes: safeText(details.notes),
            },
          }
        : {}),
    },
  };
  for (const field of userTextFields) {
    const value = safe[field];
    if (typeof value === 'string') safe[field] = withoutInvisibles(value);
  }
  return safe as MessageFacts;
}

/** A status as people read it: `in_progress` → `in progress`. */
export const statusLabel = (status: string): string => status.replaceAll('_', ' ');

const ticketRef = (ticket: TicketSummary) => `#${ticket.number}`;
const quotedTitle = (ticket: TicketSummary, max = 120) => `"${excerpt(ticket.title, max)}"`;

/** A subject line: one line, at most 160 characters. */
const subject = (text: string) => excerpt(text, 160);

/** A minimal HTML mail: a heading and paragraphs, each already escaped by the caller. */
export function paragraphsToHtml(heading: string, paragraphs: readonly string[]): string {
  return [
    '<!doctype html>',
    '<html><body style="font-family: Arial, Helvetica, sans-serif; line-height: 1.5; color: #1f2328">',
    `<h2 style="font-size: 18px">${heading}</h2>`,
    ...paragraphs.map((p) => `<p>${p}</p>`),
    '</body></html>',
  ].join('\n');
}

/**
 * A cable request's details as an approval message lists them (`shared/tickets/ticket.entity.ts`): label and value
 * pairs, the length of one piece in both units (`formatLength`), gauge and location when given. Empty without
 * details.
 */
export function cableRequestLines(ticket: TicketSummary): Array<readonly [label: string, value: string]> {
  const details = ticket.requestDetails;
  if (!details) return [];
  return [
    ['Cable type', oneLine(details.cableType)],
    ['Length', formatLength(details.lengthMm)],
    ['Quantity', String(details.quantity)],
    ...(details.gauge ? [['Gauge', excerpt(details.gauge, 20)] as const] : []),
    ...(details.location ? [['Location', excerpt(details.location, 200)] as const] : []),
  ];
}

/**
 * The email for a message (user text without invisible characters, {@link userTextSafe}).
 * @returns subject (one line), text body and HTML body with every user-provided string escaped
 */
export function renderEmail(input: MessageFacts): EmailContent {
  const facts = userTextSafe(input);
  const { ticket } = facts;
  const title = excerpt(ticket.title, 120);
  const titleHtml = escapeHtml(title);
  switch (facts.type) {
    case 'approval_requested': {
      const requester = facts.requesterName ? oneLine(facts.requesterName) : 'A requester';
      const description = excerpt(ticket.description, 500);
      const expires = formatTime(facts.linkExpiresAt);
      const cable = cableRequestLines(ticket);
      return {
        subject: subject(`Approval needed: ${ticketRef(ticket)} ${title}`),
        text: [
          `${requester} asks for your approval of ticket ${ticketRef(ticket)}.`,
          '',
          `Title: ${title}`,
          `Priority: ${ticket.priority}`,
          `Requested by: ${requester}`,
          ...cable.map(([label, value]) => `${label}: ${value}`),
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
            `<strong>Requested by:</strong> ${escapeHtml(requester)}` +
            cable.map(([label, value]) => `<br><strong>${label}:</strong> ${escapeHtml(value)}`).join(''),
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
 * The SMS for a message (user text without invisible characters, {@link userTextSafe}): one line of plain text of at most {@link smsMaxLength} characters. The approval link is
 * never cut; the words before it are shortened instead.
 */
export function renderSms(input: MessageFacts): string {
  const facts = userTextSafe(input);
  const { ticket } = facts;
  switch (facts.type) {
    case 'approval_requested': {
      const from = facts.requesterName ? ` from ${excerpt(facts.requesterName, 40)}` : '';
      const tail = ` Review: ${facts.link}`;
      // A cable request's details first, compact (`Cat6 100 ft (30.48 m) x2, 23AWG, at Room 12`), the title shorter.
      const details = ticket.requestDetails;
      const cable = details
        ? [
            `${oneLine(details.cableType)} ${formatLength(details.lengthMm)} x${details.quantity}`,
            ...(details.gauge ? [excerpt(details.gauge, 20)] : []),
            ...(details.location ? [`at ${excerpt(details.location, 40)}`] : []),
          ].join(', ')
        : undefined;
      const what = cable
        ? `cable request ${ticketRef(ticket)} ${quotedTitle(ticket, 40)}: ${cable}`
        : `ticket ${ticketRef(ticket)} ${quotedTitle(ticket, 60)}`;
      const head = `Approval needed for ${what} (${ticket.priority})${from}.`;
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
