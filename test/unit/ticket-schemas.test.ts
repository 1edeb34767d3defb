/**
 * The ticket request schemas keep the rules the operations enforce, so a request the OpenAPI document accepts is
 * never a 400 (a rejection needs a reason, `emergency` is `urgent`, query flags are `true`/`false`), and the
 * views answer exactly what the response schemas document.
 */
import { describe, expect, it } from 'vitest';
import { apiDocument } from '#shared/api-document.ts';
import { TicketEventView, TicketSummaryView, TicketView } from '#shared/tickets/responses.ts';
import {
  CreateTicketBody,
  ListTicketsQuery,
  ReplaceTicketBody,
  UpdateTicketBody,
} from '#shared/tickets/schemas.ts';
import type { TicketItem } from '#shared/tickets/ticket.entity.ts';
import type { TicketEventItem } from '#shared/tickets/ticket-event.entity.ts';
import { ticketEventView, ticketSummaryView, ticketView } from '#shared/tickets/views.ts';
import type { UserItem } from '#shared/users/user.entity.ts';

const document = apiDocument();

/** The request body schema of an operation, its `$ref` resolved. */
function requestSchema(path: string, method: string) {
  const schema = document.paths[path]?.[method]?.requestBody?.content['application/json']?.schema;
  const ref = schema?.$ref?.replace('#/components/schemas/', '');
  return ref ? document.components.schemas[ref] : schema;
}

/** The fields at fault of a failed parse, as JSON Pointers with their messages. */
function faults(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) {
  return (result.error?.issues ?? []).map((issue) => [`/${issue.path.join('/')}`, issue.message]);
}

describe('a rejection needs a reason', () => {
  it('refuses PATCH status rejected without a reason at /reason, and takes it with one', () => {
    expect(faults(UpdateTicketBody.safeParse({ status: 'rejected' }))).toEqual([
      ['/reason', 'Give a reason to reject.'],
    ]);
    expect(faults(UpdateTicketBody.safeParse({ status: 'rejected', reason: '   ' }))).toEqual([
      ['/reason', 'Must not be blank'],
    ]);
    expect(UpdateTicketBody.safeParse({ status: 'rejected', reason: ' Out of budget ' })).toEqual({
      success: true,
      data: { status: 'rejected', reason: 'Out of budget' },
    });
  });

  it('takes every other status with or without a reason, and refuses an unknown one at /status', () => {
    expect(UpdateTicketBody.safeParse({ status: 'approved' }).success).toBe(true);
    expect(UpdateTicketBody.safeParse({ status: 'approved', reason: 'Fine' }).success).toBe(true);
    expect(UpdateTicketBody.safeParse({ title: 'Only a title' }).success).toBe(true);
    expect(faults(UpdateTicketBody.safeParse({ status: 'someday' }))).toEqual([
      ['/status', expect.stringContaining('expected one of open|in_progress')],
    ]);
  });

  it('keeps PATCH strict and non-empty, naming each field at fault', () => {
    expect(faults(UpdateTicketBody.safeParse({}))).toEqual([['/', 'Send at least one field to change']]);
    const result = UpdateTicketBody.safeParse({ title: 'x'.repeat(121), extra: 1 });
    // The length counts characters (code points: `maxChars` in shared/platform/text.ts), a refinement.
    expect(result.error?.issues.map((issue) => [issue.code, issue.path, issue.message])).toEqual([
      ['custom', ['title'], 'Too long: at most 120 characters'],
      ['unrecognized_keys', [], expect.stringContaining('extra')],
    ]);
  });

  it('applies to PUT as well, whose defaults still fill in', () => {
    expect(faults(ReplaceTicketBody.safeParse({ title: 'T', description: 'D', status: 'rejected' }))).toEqual(
      [['/reason', 'Give a reason to reject.']],
    );
    expect(ReplaceTicketBody.safeParse({ title: 'T', description: 'D' })).toEqual({
      success: true,
      data: { title: 'T', description: 'D', type: 'question', priority: 'medium', tags: [] },
    });
  });

  it('says so in the OpenAPI document: the rejected case requires reason, the other cases do not', () => {
    const body = requestSchema('/tickets/{ticketId}', 'patch') as {
      type: string;
      oneOf: { properties: { status: { const?: string; enum?: string[] } }; required?: string[] }[];
    };
    expect(body.type).toBe('object');
    const [rejecting, other] = body.oneOf;
    expect(rejecting?.properties.status.const).toBe('rejected');
    expect(rejecting?.required).toContain('reason');
    expect(other?.properties.status.enum).not.toContain('rejected');
    expect(other?.required ?? []).not.toContain('reason');
    const replace = requestSchema('/tickets/{ticketId}', 'put') as typeof body;
    expect(replace.oneOf.map((option) => option.required)).toEqual([
      ['status', 'reason', 'title', 'description'],
      ['title', 'description'],
    ]);
  });
});

describe('text fields', () => {
  it('refuse a blank text with one message, in the document (pattern \\S) as in the wrapper', () => {
    expect(faults(UpdateTicketBody.safeParse({ title: ' \u00a0 ' }))).toEqual([
      ['/title', 'Must not be blank'],
    ]);
    expect(UpdateTicketBody.parse({ title: '  Printer jams  ' })).toEqual({ title: 'Printer jams' });
    const create = requestSchema('/tickets', 'post') as {
      properties: Record<string, { pattern?: string; items?: { pattern?: string } }>;
    };
    expect(create.properties.title?.pattern).toBe('\\S');
    expect(create.properties.description?.pattern).toBe('\\S');
    expect(create.properties.tags?.items?.pattern).toBe('\\S');
  });
});

describe('emergency is urgent', () => {
  it('is accepted wherever a priority is, and stored as urgent', () => {
    expect(CreateTicketBody.parse({ title: 'T', description: 'D', priority: 'emergency' }).priority).toBe(
      'urgent',
    );
    expect(UpdateTicketBody.parse({ priority: 'emergency' })).toEqual({ priority: 'urgent' });
    expect(ListTicketsQuery.parse({ priority: 'emergency' }).priority).toBe('urgent');
    expect(UpdateTicketBody.safeParse({ priority: 'asap' }).success).toBe(false);
  });

  it('is listed among the accepted values of the request schema, not of the stored ticket', () => {
    const create = requestSchema('/tickets', 'post') as {
      properties: { priority: { enum: string[]; default?: string }; type: { default?: string } };
      required: string[];
    };
    expect(create.properties.priority).toMatchObject({
      enum: ['low', 'medium', 'high', 'urgent', 'emergency'],
      default: 'medium',
    });
    // Fields with defaults are optional.
    expect(create.required).toEqual(['title', 'description']);
    expect(document.components.schemas.TicketPriority?.enum).toEqual(['low', 'medium', 'high', 'urgent']);
  });
});

describe('GET /tickets query', () => {
  it('takes mine and assigned as true or false only, as the document lists them', () => {
    expect(ListTicketsQuery.parse({ mine: 'true', assigned: 'false' })).toMatchObject({
      mine: true,
      assigned: false,
    });
    expect(faults(ListTicketsQuery.safeParse({ mine: 'yes' }))).toEqual([
      ['/mine', expect.stringContaining('"true"|"false"')],
    ]);
    const parameters = document.paths['/tickets']?.get?.parameters ?? [];
    for (const name of ['mine', 'assigned']) {
      expect(parameters.find((parameter) => parameter.name === name)?.schema.enum).toEqual(['true', 'false']);
    }
  });

  it('leaves the combinations to the operation (they depend on the caller), refusing only unknown filters', () => {
    expect(ListTicketsQuery.safeParse({ status: 'open', priority: 'high', type: 'task' }).success).toBe(true);
    expect(faults(ListTicketsQuery.safeParse({ customer: 'acme' }))).toEqual([
      ['/', expect.stringContaining('customer')],
    ]);
  });
});

describe('ticket views answer what the response schemas document', () => {
  const people = new Map<string, UserItem>([
    [
      'req-1',
      {
        userId: 'req-1',
        email: 'rita@example.com',
        name: 'Rita',
        role: 'requester',
        smsOptIn: false,
        createdAt: '2026-01-01T00:00:00.000Z',
      },
    ],
  ]);
  const ticket: TicketItem = {
    ticketId: '01JDQ8Z3M4N5P6Q7R8S9T0V1W2',
    number: 7,
    title: 'Printer jams',
    description: 'Floor 2',
    type: 'incident',
    priority: 'urgent',
    status: 'rejected',
    requesterId: 'req-1',
    approverId: 'agent-gone',
    decidedBy: 'agent-gone',
    decidedAt: '2026-12-01T09:00:00.000Z',
    decisionReason: 'Not ours',
    tags: ['printer'],
    createdAt: '2026-12-01T08:00:00.000Z',
    updatedAt: '2026-12-01T09:00:00.000Z',
    version: 2,
  };

  it('shows a ticket, its summary and an audit event exactly as documented (no more, no less)', () => {
    const full = ticketView(ticket, people);
    expect(TicketView.parse(full)).toEqual(full);
    expect(full).toMatchObject({
      assignee: null,
      assigneeId: null,
      category: null,
      approver: { userId: 'agent-gone', name: null, email: null },
      decision: { by: 'agent-gone', at: '2026-12-01T09:00:00.000Z', reason: 'Not ours' },
    });
    const summary = ticketSummaryView({ ...ticket, tags: undefined }, people);
    expect(TicketSummaryView.parse(summary)).toEqual(summary);
    expect(summary.tags).toEqual([]);
    const event: TicketEventItem = {
      ticketId: ticket.ticketId,
      eventId: '01JDQ9B0C1D2E3F4G5H6J7K8M9',
      actorId: 'req-1',
      field: 'created',
      to: 'open',
      at: ticket.createdAt,
    };
    const shown = ticketEventView(event, people);
    expect(TicketEventView.parse(shown)).toEqual(shown);
    expect(shown).toMatchObject({ from: null, internal: false, actor: { name: 'Rita' } });
  });
});
