import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NotifierDependencies } from '#shared/notifications/notifier.ts';
import { logger } from '#shared/platform/logger.ts';
import {
  commentItem,
  idempotencyRecordItem,
  ids,
  memoryDependencies,
  streamRecord,
  ticketItem,
} from './notify-fixtures.ts';

// The handler binds its dependencies once per cold start; this lets each test swap the in-memory ones behind them.
const current = vi.hoisted(() => ({ deps: undefined as unknown as NotifierDependencies }));
vi.mock('#shared/notifications/aws-dependencies.ts', () => ({
  awsNotifierDependencies: () =>
    new Proxy({} as NotifierDependencies, {
      get: (_, name) => current.deps[name as keyof NotifierDependencies],
    }),
}));

const { handler } = await import('../../functions/notifications/on-table-change.ts');

const context = {
  functionName: 'notifier',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

let memory: ReturnType<typeof memoryDependencies>;

beforeAll(() => logger.setLogLevel('SILENT'));
beforeEach(() => {
  memory = memoryDependencies({
    users: [
      { userId: ids.requester, name: 'Ada', email: 'ada@example.com' },
      { userId: ids.approver, name: 'Grace', email: 'grace@example.com' },
      { userId: ids.agent, name: 'Alan', email: 'alan@example.com' },
    ],
    tickets: [
      {
        ticketId: ids.ticket,
        number: 42,
        title: 'Cable',
        description: 'Cable please',
        priority: 'low',
        status: 'open',
        requesterId: ids.requester,
      },
    ],
  });
  current.deps = memory.deps;
});

describe('on-table-change handler', () => {
  it('processes a batch in order and reports no failures when every delivery is final', async () => {
    const event: DynamoDBStreamEvent = {
      Records: [
        streamRecord('INSERT', { newItem: idempotencyRecordItem('INPROGRESS') }),
        streamRecord('INSERT', { newItem: ticketItem() }),
        streamRecord('INSERT', { newItem: commentItem({ kind: 'response', authorId: ids.agent }) }),
      ],
    };
    await expect(handler(event, context)).resolves.toEqual({ batchItemFailures: [] });
    expect(memory.emails.map((e) => e.to)).toEqual(['grace@example.com', 'ada@example.com']);
  });

  it('reports the record with a transient failure by its sequence number, and only that one', async () => {
    const approval = streamRecord('INSERT', { newItem: ticketItem() });
    const response = streamRecord('INSERT', {
      newItem: commentItem({ kind: 'response', authorId: ids.agent }),
    });
    memory.script.email.push({ status: 'sent', providerMessageId: 'ok' });
    memory.script.email.push({
      status: 'failed',
      error: 'Throttling: Maximum sending rate exceeded.',
      retryable: true,
    });
    const result = await handler({ Records: [approval, response] }, context);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: response.dynamodb?.SequenceNumber }] });

    // The event source retries from the failed record; redelivering both sends only the missing email.
    await expect(handler({ Records: [approval, response] }, context)).resolves.toEqual({
      batchItemFailures: [],
    });
    expect(memory.attempts.email).toBe(3);
    expect(memory.emails.map((e) => e.to)).toEqual(['grace@example.com', 'ada@example.com']);
  });
});
