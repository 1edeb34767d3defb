/**
 * Content injection through invisible characters (issue 9): bidirectional controls and zero-width characters in
 * user text never reach a mail subject, a mail's text or HTML body, or an SMS. Checked through the real templates
 * (`shared/notifications/templates.ts`), for every user-provided field of every message type.
 */
import { describe, expect, it } from 'vitest';
import type { TicketSummary } from '#shared/notifications/intents.ts';
import {
  type MessageFacts,
  renderEmail,
  renderSms,
  withoutInvisibles,
} from '#shared/notifications/templates.ts';

/** Every character the rule removes, by code point (bidi controls, then zero-width characters). */
const bidiControls = [
  0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c,
];
const zeroWidth = [0x200b, 0x200c, 0x200d, 0x2060, 0xfeff];
const invisible = [...bidiControls, ...zeroWidth].map((code) => String.fromCodePoint(code));
/** Matches any of them (built from the list above, not from the code under test). */
const anyInvisible = new RegExp(`[${invisible.join('')}]`, 'u');

/** "Trojan Source" style: an RLO that shows `invoice<RLO>fdp.exe` as `invoiceexe.pdf`, and a zero-width split word. */
const spoofed = (word: string) => `${word}\u202Efdp.exe\u202C pay\u200Bpal\u2066x\u2069\uFEFF\u200E\u061C`;
const cleaned = (word: string) => `${word}fdp.exe paypalx`;

const ticket: TicketSummary = {
  ticketId: '01JD3ZQ5R7V0M9X2K8W4T6Y1AB',
  number: 42,
  title: spoofed('title'),
  description: spoofed('description'),
  priority: 'high',
  status: 'pending_approval',
  requesterId: 'req',
  approverId: 'appr',
};
const link = `https://api.example.test/approvals/${'A'.repeat(43)}`;

const everyMessage: MessageFacts[] = [
  {
    type: 'approval_requested',
    ticket,
    requesterName: spoofed('requester'),
    link,
    linkExpiresAt: '2026-12-04T10:00:00Z',
  },
  { type: 'approval_decided', ticket, decision: 'rejected', reason: spoofed('reason') },
  { type: 'status_changed', ticket, from: 'open', to: 'in_progress' },
  { type: 'assigned', ticket },
  { type: 'agent_response', ticket, authorName: spoofed('agent'), body: spoofed('reply') },
  { type: 'requester_reply', ticket, authorName: spoofed('requester'), body: spoofed('message') },
];

describe('invisible characters in user text', () => {
  it('removes each bidirectional control and zero-width character, and nothing else', () => {
    for (const character of invisible) expect(withoutInvisibles(`a${character}b`)).toBe('ab');
    const visible = 'Ünïcödé עברית العربية 👍 a\u00A0b (no-break space stays)';
    expect(withoutInvisibles(visible)).toBe(visible);
    expect(withoutInvisibles(spoofed('x'))).toBe(cleaned('x'));
  });

  it.each(everyMessage.map((facts) => [facts.type, facts] as const))(
    '%s: none in the subject, the text, the HTML or the SMS; the user text is still there',
    (_, facts) => {
      const email = renderEmail(facts);
      const sms = renderSms(facts);
      for (const [part, text] of Object.entries({
        subject: email.subject,
        text: email.text,
        html: email.html,
        sms,
      })) {
        expect(text, part).not.toMatch(anyInvisible);
      }
      expect(email.subject).toContain(cleaned('title'));
      expect(email.text).toContain(cleaned('title'));
      expect(email.html).toContain(cleaned('title'));
    },
  );

  it('keeps the quoted names, reasons and replies readable without them', () => {
    const [request, decided, , , response] = everyMessage.map((facts) => ({
      email: renderEmail(facts),
      sms: renderSms(facts),
    }));
    expect(request?.email.text).toContain(cleaned('requester'));
    expect(request?.email.text).toContain(cleaned('description'));
    expect(request?.sms).toContain(link);
    expect(decided?.email.html).toContain(cleaned('reason'));
    expect(decided?.sms).toContain(cleaned('reason'));
    expect(response?.email.text).toContain(cleaned('reply'));
    expect(response?.email.html).toContain(cleaned('agent'));
  });
});
