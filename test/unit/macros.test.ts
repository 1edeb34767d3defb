/**
 * The macro feature's pure rules: placeholders (known names only, rendered in one pass as plain text), the request
 * schemas, who sees and changes which macro, the list keys, and how a macro's combined change is mailed once.
 */
import { describe, expect, it } from 'vitest';
import { foldedName, macroIdOfSortKey, macroIndexKeys, macroRecord } from '#shared/macros/macro.entity.ts';
import { renderPlaceholders, unknownPlaceholders } from '#shared/macros/placeholders.ts';
import { canSeeMacro, macroChangeRefusal, macroShapeErrors } from '#shared/macros/policy.ts';
import { CreateMacroBody, UpdateMacroBody } from '#shared/macros/schemas.ts';
import { notificationsFor } from '#shared/notifications/plan.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { builtInRoles } from '#shared/roles/roles.ts';
import { commentItem, ids, streamRecord, ticketEventItem } from './notify-fixtures.ts';

const actor = (userId: string, role: 'agent' | 'requester'): Actor => ({
  userId,
  role,
  permissions: builtInRoles[role],
});
const agent = actor('agent-1', 'agent');
const otherAgent = actor('agent-2', 'agent');
const requester = actor('requester-1', 'requester');

const values = { 'requester.name': 'Rita', 'ticket.number': '42', 'agent.name': 'Sam' } as const;

describe('placeholders', () => {
  it('accepts the three known placeholders, with or without spaces inside the braces', () => {
    expect(unknownPlaceholders('Hi {{requester.name}}, #{{ ticket.number }} — {{agent.name}}')).toEqual([]);
  });

  it('names each unknown placeholder once, in order', () => {
    expect(unknownPlaceholders('{{ticket.title}} {{user.password}} {{ticket.title}} {{}}')).toEqual([
      'ticket.title',
      'user.password',
      '',
    ]);
  });

  it('leaves single braces and unclosed double braces alone', () => {
    expect(unknownPlaceholders('a {b} {{ c and }} d')).toEqual(['c and']);
    expect(unknownPlaceholders('a {{ b')).toEqual([]);
  });

  it('fills the values in as plain text, in one pass: a value that looks like a placeholder stays as it is', () => {
    const rendered = renderPlaceholders(
      'Hi {{requester.name}}, ticket #{{ticket.number}}. {{ agent.name }}',
      {
        ...values,
        'requester.name': '{{agent.name}} <b>#{x}</b>',
      },
    );
    expect(rendered).toBe('Hi {{agent.name}} <b>#{x}</b>, ticket #42. Sam');
  });
});

describe('macro request schemas', () => {
  it('refuses an unknown placeholder in the body at /body (a 400 when the macro is saved)', () => {
    const result = CreateMacroBody.safeParse({
      name: 'Bad',
      body: 'Hello {{requester.email}}',
      actions: { reply: 'response' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toMatchObject([
      { path: ['body'], message: expect.stringContaining('{{requester.email}}') },
    ]);
    const update = UpdateMacroBody.safeParse({ body: '{{ticket.secret}}' });
    expect(update.error?.issues).toMatchObject([{ path: ['body'] }]);
  });

  it('defaults to a personal macro and needs at least one action', () => {
    const parsed = CreateMacroBody.parse({ name: 'Close', actions: { status: 'closed' } });
    expect(parsed.availability).toBe('personal');
    expect(CreateMacroBody.safeParse({ name: 'Nothing', actions: {} }).success).toBe(false);
  });

  it('does not let a macro reject a ticket (a rejection needs its own reason)', () => {
    expect(CreateMacroBody.safeParse({ name: 'No', actions: { status: 'rejected' } }).success).toBe(false);
  });
});

describe('macro policy', () => {
  const personal = { availability: 'personal', ownerId: agent.userId } as const;
  const shared = { availability: 'shared', ownerId: agent.userId } as const;

  it('shows every shared macro and only their own personal ones', () => {
    expect(canSeeMacro(agent, personal)).toBe(true);
    expect(canSeeMacro(otherAgent, personal)).toBe(false);
    expect(canSeeMacro(otherAgent, shared)).toBe(true);
  });

  it('lets only canManageTickets create, change or delete shared macros', () => {
    expect(macroChangeRefusal(agent, undefined, 'shared')).toBeUndefined();
    expect(macroChangeRefusal(otherAgent, shared, undefined)).toBeUndefined();
    expect(macroChangeRefusal(requester, undefined, 'shared')).toMatch(/canManageTickets/);
    expect(
      macroChangeRefusal(requester, { availability: 'personal', ownerId: requester.userId }, 'shared'),
    ).toMatch(/canManageTickets/);
    expect(macroChangeRefusal(otherAgent, personal, undefined)).toMatch(/owner/);
    // Making a shared macro personal again is its owner's call.
    expect(macroChangeRefusal(otherAgent, shared, 'personal')).toMatch(/owner/);
    expect(macroChangeRefusal(agent, shared, 'personal')).toBeUndefined();
  });

  it('needs a body for a reply action', () => {
    expect(macroShapeErrors({ body: undefined, actions: { reply: 'note' } })).toEqual([
      { pointer: '/body', detail: expect.stringContaining('note') },
    ]);
    expect(macroShapeErrors({ body: 'Hi', actions: { reply: 'note' } })).toEqual([]);
  });
});

describe('macro list keys (gsi12)', () => {
  it('lists a personal macro under its owner and a shared one under the shared list, by folded name', () => {
    const macro = { macroId: '01JDQA1B2C3D4E5F6G7H8J9K0M', name: '  Élan Reply', ownerId: 'agent-1' };
    expect(macroIndexKeys({ ...macro, availability: 'personal' })).toEqual({
      gsi12pk: 'MACROS#PERSONAL#agent-1',
      gsi12sk: 'elan reply#01JDQA1B2C3D4E5F6G7H8J9K0M',
    });
    expect(macroIndexKeys({ ...macro, availability: 'shared' }).gsi12pk).toBe('MACROS#SHARED');
    expect(macroIdOfSortKey('a # b#01JDQA1B2C3D4E5F6G7H8J9K0M')).toBe('01JDQA1B2C3D4E5F6G7H8J9K0M');
    expect(foldedName('ÄBC')).toBe('abc');
  });

  it('stores the macro in its own partition with the entity name', () => {
    const record = macroRecord({
      macroId: '01JDQA1B2C3D4E5F6G7H8J9K0M',
      ownerId: 'agent-1',
      name: 'Close',
      availability: 'shared',
      actions: { status: 'closed' },
      createdAt: '2026-12-01T08:00:00.000Z',
      updatedAt: '2026-12-01T08:00:00.000Z',
      version: 1,
    });
    expect(record).toMatchObject({
      pk: 'MACRO#01JDQA1B2C3D4E5F6G7H8J9K0M',
      sk: 'MACRO',
      entityType: 'macro',
    });
  });
});

describe('one mail to the requester for a macro’s combined change', () => {
  it("mails a macro's response with the status change it carries, as one agent_response", () => {
    const record = streamRecord('INSERT', {
      newItem: commentItem({
        kind: 'response',
        authorId: ids.agent,
        body: 'We need a photo.',
        statusChange: { from: 'in_progress', to: 'pending' },
      }),
    });
    expect(notificationsFor(record)).toMatchObject([
      {
        type: 'agent_response',
        recipient: 'requester',
        body: "The ticket's status changed from in progress to pending.\n\nWe need a photo.",
      },
    ]);
  });

  it('sends no status mail for a status change a macro response mails with it', () => {
    const folded = streamRecord('INSERT', {
      newItem: ticketEventItem({
        actorId: ids.agent,
        field: 'status',
        from: 'open',
        to: 'pending',
        mailedWith: `${ids.ticket}-01JDQ9C4D5E6F7G8H9J0K1M2N3`,
        macro: { macroId: '01JDQA1B2C3D4E5F6G7H8J9K0M', name: 'Waiting' },
      }),
    });
    expect(notificationsFor(folded)).toEqual([]);
    const alone = streamRecord('INSERT', {
      newItem: ticketEventItem({
        actorId: ids.agent,
        field: 'status',
        from: 'open',
        to: 'pending',
        macro: { macroId: '01JDQA1B2C3D4E5F6G7H8J9K0M', name: 'Waiting' },
      }),
    });
    expect(notificationsFor(alone)).toMatchObject([{ type: 'status_changed', from: 'open', to: 'pending' }]);
  });
});
