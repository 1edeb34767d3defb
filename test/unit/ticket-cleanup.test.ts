/**
 * The cleanup after a ticket is deleted (`shared/tickets/cleanup.ts`) against in-memory ports: it finishes
 * (every item of the partition, the linked approval links, every object under the ticket's prefix), a failing
 * port makes the consumer report the record for a retry, and the retry finishes the job.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { maintainTable } from '#shared/dashboard/maintenance.ts';
import type { ItemKey } from '#shared/platform/db.ts';
import { approvalLinkRefKey } from '#shared/tickets/approval-links.ts';
import {
  type CleanupPorts,
  cleanUpTicket,
  deleteBatchSize,
  removedTicketId,
} from '#shared/tickets/cleanup.ts';
import { ticketRecord } from '#shared/tickets/ticket.entity.ts';

const ticketId = '01JD3ZQ5R7V0M9X2K8W4T6Y1AB';
const otherTicketId = '01JD3ZQ5R7V0M9X2K8W4T6Y1AC';
/** Deleted tickets with nothing left to clean up. */
const emptyTicketIds = ['01JD3ZQ5R7V0M9X2K8W4T6Y1AD', '01JD3ZQ5R7V0M9X2K8W4T6Y1AE'] as const;

/**
 * A table and a bucket in memory; `failures` makes the named operation throw that many times when it concerns
 * the seeded ticket (its partition, its approval links or its objects).
 */
function memoryStore(pageSize = 7) {
  const items = new Map<string, ItemKey>();
  const objects = new Set<string>();
  const failures: Partial<Record<keyof CleanupPorts, number>> = {};
  const calls: Record<string, number> = {};
  const id = (key: ItemKey) => `${key.pk}|${key.sk}`;
  const step = (name: keyof CleanupPorts, about: string) => {
    calls[name] = (calls[name] ?? 0) + 1;
    if ((failures[name] ?? 0) > 0 && about.includes(ticketId)) {
      failures[name] = (failures[name] ?? 0) - 1;
      throw new Error(`${name} is unavailable`);
    }
  };
  const ports: CleanupPorts = {
    async partitionPage(pk, startKey) {
      step('partitionPage', pk);
      const all = [...items.values()].filter((key) => key.pk === pk).sort((a, b) => (a.sk < b.sk ? -1 : 1));
      const from = startKey ? all.findIndex((key) => key.sk > String(startKey.sk)) : 0;
      const keys = from < 0 ? [] : all.slice(from, from + pageSize);
      const last = keys.at(-1);
      return { keys, lastKey: from >= 0 && from + pageSize < all.length && last ? { ...last } : undefined };
    },
    async deleteItems(keys) {
      step('deleteItems', keys.map((key) => (key.pk.startsWith('APPROVAL#') ? ticketId : key.pk)).join());
      expect(keys.length).toBeLessThanOrEqual(deleteBatchSize);
      for (const key of keys) items.delete(id(key));
    },
    async objectPage(prefix, token) {
      step('objectPage', prefix);
      // Like S3's continuation token: the page after a key, whatever was deleted meanwhile.
      const after = [...objects].filter((key) => key.startsWith(prefix) && (!token || key > token)).sort();
      const keys = after.slice(0, 3);
      return { keys, nextToken: after.length > 3 ? keys.at(-1) : undefined };
    },
    async deleteObject(key) {
      step('deleteObject', key);
      objects.delete(key);
    },
  };
  const put = (key: ItemKey) => items.set(id(key), key);
  return { items, objects, failures, calls, ports, put };
}

/** A ticket's partition with comments, images, events, log entries and two approval links, and its objects. */
function seed(store: ReturnType<typeof memoryStore>) {
  for (const [prefix, count] of [
    ['COMMENT#', 30],
    ['IMAGE#', 4],
    ['EVENT#', 12],
    ['NOTIFICATION#', 5],
  ] as const) {
    for (let n = 0; n < count; n++) store.put({ pk: `TICKET#${ticketId}`, sk: `${prefix}${n}` });
  }
  for (const hash of ['a'.repeat(64), 'b'.repeat(64)]) {
    store.put(approvalLinkRefKey(ticketId, hash));
    store.put({ pk: `APPROVAL#${hash}`, sk: 'APPROVAL' });
  }
  store.put({ pk: `TICKET#${otherTicketId}`, sk: 'TICKET' });
  store.put({ pk: `APPROVAL#${'c'.repeat(64)}`, sk: 'APPROVAL' });
  for (let n = 0; n < 4; n++) store.objects.add(`tickets/${ticketId}/images/${n}`);
  store.objects.add(`tickets/${otherTicketId}/images/0`);
}

const remaining = (store: ReturnType<typeof memoryStore>) => ({
  items: [...store.items.values()].map((key) => key.pk).sort(),
  objects: [...store.objects],
});

const untouched = {
  items: [`APPROVAL#${'c'.repeat(64)}`, `TICKET#${otherTicketId}`],
  objects: [`tickets/${otherTicketId}/images/0`],
};

/** The stream record of a removed ticket item, as Lambda delivers it. */
function removal(id: string, sequenceNumber: string): DynamoDBRecord {
  const old = ticketRecord({
    ticketId: id,
    number: 1,
    title: 'Gone',
    description: 'Deleted',
    type: 'question',
    priority: 'medium',
    status: 'open',
    requesterId: 'req-1',
    createdAt: '2026-11-27T10:00:00.000Z',
    updatedAt: '2026-11-27T10:00:00.000Z',
    version: 1,
  });
  return {
    eventID: `event-${sequenceNumber}`,
    eventName: 'REMOVE',
    dynamodb: {
      Keys: marshall({ pk: old.pk, sk: old.sk }) as never,
      OldImage: marshall(old, { removeUndefinedValues: true }) as never,
      SequenceNumber: sequenceNumber,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

const quiet = { info: () => undefined, error: () => undefined };

/** The table-maintenance consumer with these cleanup ports (its counting stubbed: every write succeeds). */
const cleanUpRemovedTickets = (records: readonly DynamoDBRecord[], ports: CleanupPorts, log: typeof quiet) =>
  maintainTable(
    records,
    {
      counters: {
        readCounted: async () => new Map(),
        writePlans: async () => true,
      },
      cleanUpTicket: async (id) => ({ ...(await cleanUpTicket(id, ports)) }),
      shard: () => 0,
      nowSeconds: () => 0,
    },
    log,
  );

describe('cleanup of a deleted ticket', () => {
  it('deletes every item of the partition, its approval links and its objects, and nothing else', async () => {
    const store = memoryStore();
    seed(store);
    const result = await cleanUpTicket(ticketId, store.ports);
    expect(remaining(store)).toEqual(untouched);
    expect(result).toEqual({ items: 53, approvalLinks: 2, objects: 4 });
  });

  it('does nothing harmful when run again: a redelivered record finds nothing left', async () => {
    const store = memoryStore();
    seed(store);
    await cleanUpTicket(ticketId, store.ports);
    expect(await cleanUpTicket(ticketId, store.ports)).toEqual({ items: 0, approvalLinks: 0, objects: 0 });
    expect(remaining(store)).toEqual(untouched);
  });

  it('reads only removals of tickets from the stream', () => {
    expect(removedTicketId(removal(ticketId, '1'))).toBe(ticketId);
    expect(removedTicketId({ ...removal(ticketId, '1'), eventName: 'MODIFY' })).toBeUndefined();
    const comment = removal(ticketId, '2');
    (comment.dynamodb as { OldImage: Record<string, unknown> }).OldImage.entityType = { S: 'comment' };
    expect(removedTicketId(comment)).toBeUndefined();
  });

  it.each([
    ['the table read', 'partitionPage'],
    ['a batch delete', 'deleteItems'],
    ['the object listing', 'objectPage'],
    ['an object delete', 'deleteObject'],
  ] as const)(
    'reports the record for a retry when %s fails, and the retry finishes the job',
    async (_what, port) => {
      const store = memoryStore();
      seed(store);
      store.failures[port] = 1;
      const records = [
        removal(emptyTicketIds[0], '100'),
        removal(ticketId, '200'),
        removal(emptyTicketIds[1], '300'),
      ];

      const first = await cleanUpRemovedTickets(records, store.ports, quiet);
      // The event source retries from the first failed record (and so the rest of the batch).
      expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
      expect(store.items.size + store.objects.size).toBeGreaterThan(
        untouched.items.length + untouched.objects.length,
      );

      const retry = await cleanUpRemovedTickets(records.slice(1), store.ports, quiet);
      expect(retry).toEqual({ batchItemFailures: [] });
      expect(remaining(store)).toEqual(untouched);
    },
  );
});
