import { describe, expect, it } from 'vitest';
import type { TicketSummary } from '#shared/notifications/intents.ts';
import {
  escapeHtml,
  excerpt,
  type MessageFacts,
  oneLine,
  renderEmail,
  renderSms,
  smsMaxLength,
} from '#shared/notifications/templates.ts';

const ticket: TicketSummary = {
  ticketId: '01JD3ZQ5R7V0M9X2K8W4T6Y1AB',
  number: 42,
  title: 'Cat6 cable for room 204',
  description: 'We need a 5 m Cat6 cable\nfor the new printer in room 204.',
  priority: 'high',
  status: 'pending_approval',
  requesterId: 'req',
  approverId: 'appr',
};
const link = `https://api.example.test/approvals/${'A'.repeat(43)}`;
const approval: MessageFacts = {
  type: 'approval_requested',
  ticket,
  requesterName: 'Ada Lovelace',
  link,
  linkExpiresAt: '2026-11-30T12:00:00.000Z',
};
const hostile = '<script>alert("x")</script> & \'quotes\'';

describe('approval request', () => {
  it('has the ticket number, title, requester, priority, description and the link', () => {
    const email = renderEmail(approval);
    expect(email.subject).toBe('Approval needed: #42 Cat6 cable for room 204');
    for (const part of [
      '#42',
      'Cat6 cable for room 204',
      'Ada Lovelace',
      'high',
      'for the new printer',
      link,
    ]) {
      expect(email.text).toContain(part);
    }
    expect(email.text).toContain(`Review and approve or reject: ${link}`);
    expect(email.text).toContain('2026-11-30 12:00 UTC');
    expect(email.html).toContain(`<a href="${link}">Review and approve or reject</a>`);
  });

  it('escapes every user-provided string in HTML and keeps the subject on one line', () => {
    const email = renderEmail({
      ...approval,
      ticket: { ...ticket, title: `${hostile}\r\nBcc: victim@example.com`, description: hostile },
      requesterName: hostile,
    });
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('"x"');
    expect(email.html).toContain(
      '&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;quotes&#39;',
    );
    expect(email.subject).not.toMatch(/[\r\n]/);
  });

  it('shortens a long description to an excerpt', () => {
    const email = renderEmail({ ...approval, ticket: { ...ticket, description: 'word '.repeat(1000) } });
    expect(email.text.length).toBeLessThan(1500);
    expect(email.text).toContain('…');
  });

  it('has an SMS with the whole link, within the length limit even with long names', () => {
    expect(renderSms(approval)).toBe(
      `Approval needed for ticket #42 "Cat6 cable for room 204" (high) from Ada Lovelace. Review: ${link}`,
    );
    const long = renderSms({
      ...approval,
      ticket: { ...ticket, title: 'T'.repeat(120) },
      requesterName: 'N'.repeat(200),
      link: `https://${'h'.repeat(150)}.example/approvals/${'A'.repeat(43)}`,
    });
    expect(long.length).toBeLessThanOrEqual(smsMaxLength);
    expect(long.endsWith(`/approvals/${'A'.repeat(43)}`)).toBe(true);
  });
});

describe('approval decision', () => {
  it('says approved or rejected, with the reason, ticket title and number', () => {
    const email = renderEmail({
      type: 'approval_decided',
      ticket,
      decision: 'rejected',
      reason: 'Use the spare one.',
    });
    expect(email.subject).toBe('Request #42 rejected: Cat6 cable for room 204');
    expect(email.text).toBe(
      'Your request #42 "Cat6 cable for room 204" was rejected.\n\nReason: Use the spare one.',
    );
    const approved = renderEmail({
      type: 'approval_decided',
      ticket,
      decision: 'approved',
      reason: undefined,
    });
    expect(approved.text).toBe('Your request #42 "Cat6 cable for room 204" was approved.');
    expect(approved.html).not.toContain('Reason');
  });

  it('escapes the reason in HTML', () => {
    const email = renderEmail({ type: 'approval_decided', ticket, decision: 'rejected', reason: hostile });
    expect(email.html).not.toContain('<script>');
  });

  it('has a short SMS with the reason', () => {
    const sms = renderSms({
      type: 'approval_decided',
      ticket,
      decision: 'rejected',
      reason: 'x'.repeat(1000),
    });
    expect(sms.startsWith('Your request #42 "Cat6 cable for room 204" was rejected. Reason: xxx')).toBe(true);
    expect(sms.length).toBeLessThanOrEqual(smsMaxLength);
  });
});

describe('other messages', () => {
  it('status change names both statuses as people read them', () => {
    const email = renderEmail({ type: 'status_changed', ticket, from: 'in_progress', to: 'resolved' });
    expect(email.subject).toBe('Ticket #42 is now resolved: Cat6 cable for room 204');
    expect(email.text).toContain('changed from in progress to resolved');
  });

  it('assignment names title and priority', () => {
    const email = renderEmail({ type: 'assigned', ticket: { ...ticket, status: 'open' } });
    expect(email.subject).toBe('Ticket #42 assigned to you: Cat6 cable for room 204');
    expect(email.text).toContain('Priority: high');
  });

  it('agent response quotes the reply, escaped in HTML', () => {
    const email = renderEmail({
      type: 'agent_response',
      ticket,
      authorName: 'Grace',
      body: `Hello\n${hostile}`,
    });
    expect(email.text).toContain('Grace replied to your ticket #42');
    expect(email.text).toContain(hostile);
    expect(email.html).not.toContain('<script>');
    expect(renderEmail({ type: 'agent_response', ticket, authorName: undefined, body: 'Hi' }).text).toMatch(
      /^An agent/,
    );
  });

  it('requester reply tells the assignee who wrote what on which ticket, user text escaped in HTML', () => {
    const email = renderEmail({
      type: 'requester_reply',
      ticket: { ...ticket, title: `${hostile}\r\nBcc: victim@example.com` },
      authorName: hostile,
      body: `Still broken\n${hostile}`,
    });
    expect(email.subject).toMatch(/^New message on ticket #42: /);
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.text).toContain(`${hostile} wrote on ticket #42`);
    expect(email.text).toContain('which is assigned to you');
    expect(email.text).toContain(`Still broken\n${hostile}`);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(renderEmail({ type: 'requester_reply', ticket, authorName: undefined, body: 'Hi' }).text).toMatch(
      /^The requester wrote on ticket #42/,
    );
  });

  it('requester reply SMS is one line within the length limit', () => {
    const text = renderSms({
      type: 'requester_reply',
      ticket,
      authorName: 'Ada',
      body: `Line 1\n${'x'.repeat(500)}`,
    });
    expect(text).toMatch(/^New message on ticket #42 \(assigned to you\): Line 1 x/);
    expect(text.length).toBeLessThanOrEqual(smsMaxLength);
    expect(text).not.toMatch(/\n/);
  });
});

describe('text helpers', () => {
  it('escapeHtml escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    );
  });

  it('oneLine flattens control characters and runs of whitespace', () => {
    expect(oneLine(' a\r\n\tb\u0000  c ')).toBe('a b c');
  });

  it('excerpt cuts with an ellipsis within the limit', () => {
    expect(excerpt('abcdef', 10)).toBe('abcdef');
    expect(excerpt('abcdefghijkl', 5)).toBe('abcd…');
  });
});
