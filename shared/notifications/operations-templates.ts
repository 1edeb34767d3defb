/**
 * The emails of the operations notifications (optics requests, low stock), rendered by their stream rules from the
 * record itself (`shared/optics/stream-rules.ts`, `shared/inventory/stream-rules.ts`): the intent carries the
 * finished email, so the sender only resolves recipients, sends and logs, and a retry sends the very same mail.
 * Pure; unit-tested in `test/unit/notify-operations.test.ts`.
 *
 * User text (part, description, notes, reason) loses its invisible characters first (`withoutInvisibles`), is
 * escaped in HTML and flattened to one line in subjects, as in `templates.ts`.
 */
import {
  type EmailContent,
  escapeHtml,
  excerpt,
  oneLine,
  paragraphsToHtml,
  withoutInvisibles,
} from '#shared/notifications/templates.ts';

/** What the optics emails read of a request (a subset of the request item, `shared/optics/optics.entity.ts`). */
export interface OpticsRequestFacts {
  readonly requestId: string;
  readonly part: string;
  readonly description?: string | undefined;
  readonly quantity: number;
  /** `YYYY-MM-DD`. */
  readonly neededBy?: string | undefined;
  readonly notes?: string | undefined;
  readonly decisionReason?: string | undefined;
}

const clean = (text: string | undefined, max: number) =>
  text ? excerpt(withoutInvisibles(text), max) : undefined;

/** "4 × SFP+ 10G SR 850 nm (MMF)" (the description of an `Other` part in brackets). */
function opticsLine(request: OpticsRequestFacts): string {
  const part = clean(request.part, 120) ?? '';
  const description = clean(request.description, 200);
  return `${request.quantity} × ${part}${description ? ` (${description})` : ''}`;
}

/** `label: value` lines of the request, without the empty ones. */
function opticsDetails(request: OpticsRequestFacts): Array<[label: string, value: string]> {
  const details: Array<[string, string | undefined]> = [
    ['Part', clean(request.part, 120)],
    ['Description', clean(request.description, 500)],
    ['Quantity', String(request.quantity)],
    ['Needed by', request.neededBy],
    ['Notes', clean(request.notes, 1000)],
    ['Request', request.requestId],
  ];
  return details.filter((detail): detail is [string, string] => Boolean(detail[1]));
}

/** The alert to the optics admins about a new request (`optics_requested`). */
export function opticsRequestedEmail(request: OpticsRequestFacts): EmailContent {
  const intro = 'A new optics request waits for a decision (approve or deny it in the help desk).';
  const details = opticsDetails(request);
  return {
    subject: excerpt(`New optics request: ${opticsLine(request)}`, 160),
    text: [intro, '', ...details.map(([label, value]) => `${label}: ${value}`)].join('\n'),
    html: paragraphsToHtml('New optics request', [
      escapeHtml(intro),
      details.map(([label, value]) => `<strong>${label}:</strong> ${escapeHtml(value)}`).join('<br>'),
    ]),
  };
}

/** The requester's email about the decision on their request (`optics_decided`): status, and the reason if any. */
export function opticsDecidedEmail(
  request: OpticsRequestFacts,
  decision: 'approved' | 'denied',
): EmailContent {
  const reason = request.decisionReason
    ? excerpt(withoutInvisibles(request.decisionReason), 1000)
    : undefined;
  const line = `Your optics request for ${opticsLine(request)} was ${decision}.`;
  return {
    subject: excerpt(`Optics request ${decision}: ${opticsLine(request)}`, 160),
    text: [line, ...(reason ? ['', `Reason: ${reason}`] : []), '', `Request: ${request.requestId}`].join(
      '\n',
    ),
    html: paragraphsToHtml(`Optics request ${decision}`, [
      escapeHtml(line),
      ...(reason ? [`<strong>Reason:</strong> ${escapeHtml(reason)}`] : []),
      `<small>Request ${escapeHtml(request.requestId)}</small>`,
    ]),
  };
}

/** What the low-stock email reads of a balance; lengths as people read them (`formatLength`). */
export interface LowStockFacts {
  readonly cableType: string;
  /** The stock on hand, e.g. "90 ft (27.43 m)". */
  readonly onHand: string;
  /** The threshold it fell below. */
  readonly threshold: string;
}

/** The inventory team's alert that a cable type fell below its low-stock threshold (`low_stock`). */
export function lowStockEmail(facts: LowStockFacts): EmailContent {
  const cableType = oneLine(withoutInvisibles(facts.cableType));
  const line = `${cableType} stock is down to ${facts.onHand}, below its low-stock threshold of ${facts.threshold}.`;
  const advice = 'Receive more stock, or lower the threshold if it is set too high.';
  return {
    subject: excerpt(`Low stock: ${cableType} (${facts.onHand} left)`, 160),
    text: `${line}\n\n${advice}`,
    html: paragraphsToHtml(`Low stock: ${escapeHtml(cableType)}`, [escapeHtml(line), escapeHtml(advice)]),
  };
}
