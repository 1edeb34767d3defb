/**
 * `POST /tickets/{ticketId}/images` through its route wrapper, with the table mocked and the POST signed
 * locally with fake credentials: who may ask, which statuses answer 404, 409, 413, 415, and the 201 shape.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodePostPolicy } from '#shared/images/presign.ts';
import type { TicketItem } from '#shared/tickets/ticket.entity.ts';
import { contractViolations } from '../support/contract.ts';

const table = vi.hoisted(() => ({
  ticket: undefined as Partial<TicketItem> | undefined,
  callerRole: 'requester',
  created: [] as Record<string, unknown>[],
  counted: [] as unknown[],
  /** Answers of the next transactions (a cancellation), before they succeed. */
  answers: [] as { ok: false; reasons: string[] }[],
  tries: 0,
  images: [] as Record<string, unknown>[],
  recounts: [] as unknown[],
  deleted: [] as unknown[],
}));
vi.mock('#shared/platform/db.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('#shared/platform/db.ts')>()),
  // The caller's profile (read by the route wrapper for the actor) has the role of the caller's group.
  getItem: async (key: { pk: string }) =>
    key.pk.startsWith('USER#') ? { userId: key.pk.slice(5), role: table.callerRole } : table.ticket,
  // The image item and the ticket's counters are one transaction: record the item put, and the counter update.
  transactWrite: async (writes: { put?: Record<string, unknown>; changes?: unknown; delete?: unknown }[]) => {
    // A recount's deletes of expired pending images.
    if (writes.every((write) => write.delete)) {
      table.deleted.push(...writes.map((write) => write.delete));
      return { ok: true };
    }
    const answer = table.answers.shift();
    table.tries++;
    if (answer) return answer;
    for (const write of writes) {
      if (write.put) table.created.push(write.put);
      if (write.changes) table.counted.push(write.changes);
    }
    return { ok: true };
  },
  queryPage: async () => ({ items: table.images, lastKey: undefined }),
  updateItem: async (_key: unknown, changes: unknown) => {
    table.recounts.push(changes);
    return undefined;
  },
}));

const { handler } = await import('../../functions/images/create-upload.ts');

const ticketId = '01JDQ8Z3M4N5P6Q7R8S9T0V1W2';
const context = {
  functionName: 'create-upload',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:create-upload',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 3000,
} as unknown as Context;

/** What the OpenAPI document (`openapi.json`) finds wrong with a response of the route; empty when it conforms. */
const violations = (response: { statusCode: number; headers: Record<string, string>; body: string }) =>
  contractViolations(
    'POST',
    `/tickets/${ticketId}/images`,
    response.statusCode,
    response.headers['content-type'] ?? null,
    response.body,
    new Headers(response.headers),
  );

function request(body: unknown, caller = { sub: 'req-1', groups: '[requester]' }) {
  table.callerRole = caller.groups.slice(1, -1);
  const event = {
    version: '2.0',
    routeKey: 'POST /tickets/{ticketId}/images',
    rawPath: `/tickets/${ticketId}/images`,
    headers: { 'content-type': 'application/json' },
    pathParameters: { ticketId },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      authorizer: {
        jwt: { claims: { sub: caller.sub, 'cognito:groups': caller.groups, token_use: 'access' } },
      },
    },
  } as unknown as APIGatewayProxyEventV2;
  return handler(event, context) as Promise<{
    statusCode: number;
    headers: Record<string, string>;
    body: string;
  }>;
}

const env = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'eu-west-1',
  IMAGES_BUCKET: 'helpdesk-images-test',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};
const saved: Record<string, string | undefined> = {};
beforeAll(() => {
  for (const [name, value] of Object.entries(env)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});
beforeEach(() => {
  table.ticket = { ticketId, requesterId: 'req-1', status: 'open' };
  table.created = [];
  table.counted = [];
  table.answers = [];
  table.tries = 0;
  table.images = [];
  table.recounts = [];
  table.deleted = [];
});

describe('POST /tickets/{ticketId}/images', () => {
  it('answers 201 with a presigned POST for a pending image of the ticket', async () => {
    const response = await request({ contentType: 'image/png', fileName: 'screenshot.png', size: 1234 });
    expect(response.statusCode).toBe(201);
    expect(violations(response)).toEqual([]);
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({ status: 'pending', maxBytes: 10_485_760 });
    expect(response.headers.location).toBe(`/tickets/${ticketId}/images/${body.imageId}`);
    expect(body.upload.fields.key).toBe(`tickets/${ticketId}/images/${body.imageId}`);
    expect(decodePostPolicy(body.upload.fields).conditions).toContainEqual([
      'eq',
      '$Content-Type',
      'image/png',
    ]);
    expect(table.created).toEqual([
      expect.objectContaining({
        ticketId,
        imageId: body.imageId,
        objectKey: `tickets/${ticketId}/images/${body.imageId}`,
        status: 'pending',
        declaredContentType: 'image/png',
        fileName: 'screenshot.png',
        uploaderId: 'req-1',
      }),
    ]);
    // A TTL (epoch seconds) an hour past the POST's expiry, and one more image, pending, on the ticket.
    const expiresAt = Number(table.created[0]?.expiresAt);
    expect(expiresAt - Date.parse(body.upload.expiresAt) / 1000).toBeGreaterThanOrEqual(3599);
    expect(expiresAt - Date.parse(body.upload.expiresAt) / 1000).toBeLessThanOrEqual(3601);
    expect(table.counted).toEqual([{ add: { imageCount: 1, pendingImageCount: 1 } }]);
  });

  it('lets agents add images to any ticket', async () => {
    const response = await request({ contentType: 'image/jpeg' }, { sub: 'agent-1', groups: '[agent]' });
    expect(response.statusCode).toBe(201);
  });

  it('answers 404 for a missing ticket and for one the caller may not see, before reading the body', async () => {
    table.ticket = undefined;
    expect((await request({ nonsense: true })).statusCode).toBe(404);
    table.ticket = { ticketId, requesterId: 'someone-else', status: 'open' };
    const hidden = await request({ nonsense: true });
    expect(hidden.statusCode).toBe(404);
    expect(table.created).toEqual([]);
  });

  it('answers 409 on a closed or canceled ticket', async () => {
    for (const status of ['closed', 'canceled'] as const) {
      table.ticket = { ticketId, requesterId: 'req-1', status };
      const response = await request({ contentType: 'image/png' });
      expect(response.statusCode).toBe(409);
      expect(JSON.parse(response.body)).toMatchObject({ type: '/problems/conflict', status: 409 });
      expect(violations(response)).toEqual([]);
    }
  });

  it('answers 415 with the allowed types for a type that is not an allowed image type', async () => {
    for (const contentType of ['image/svg+xml', 'text/html', 'image/heic']) {
      const response = await request({ contentType });
      expect(response.statusCode).toBe(415);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(response.body)).toMatchObject({
        type: '/problems/unsupported-media-type',
        allowed: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
      });
      expect(violations(response)).toEqual([]);
    }
    expect(table.created).toEqual([]);
  });

  it('answers 413 when the declared size is over 10 MiB', async () => {
    const response = await request({ contentType: 'image/png', size: 10_485_761 });
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({
      type: '/problems/payload-too-large',
      maxBytes: 10_485_760,
    });
    expect(violations(response)).toEqual([]);
    expect((await request({ contentType: 'image/png', size: 10_485_760 })).statusCode).toBe(201);
  });

  it('answers 400 with field errors for a malformed body', async () => {
    const response = await request({ contentType: 'image/png', fileName: 'x'.repeat(300), extra: 1 });
    expect(response.statusCode).toBe(400);
    const pointers = JSON.parse(response.body).errors.map((error: { pointer: string }) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/fileName', '/extra']));
    expect(violations(response)).toEqual([]);
  });

  it('tries again when another transaction on the ticket item cancels it (TransactionConflict)', async () => {
    table.answers = [{ ok: false, reasons: ['None', 'TransactionConflict'] }];
    expect((await request({ contentType: 'image/png' })).statusCode).toBe(201);
    expect(table.tries).toBe(2);
  });

  it("at a cap, recounts the ticket's images once (expired pending ones left out), then answers 409 with the limits", async () => {
    const refused = { ok: false as const, reasons: ['None', 'ConditionalCheckFailed'] };
    table.ticket = { ticketId, requesterId: 'req-1', status: 'open' };
    const past = Math.floor(Date.now() / 1000) - 1;
    const later = past + 3600;
    table.images = [
      ...Array.from({ length: 20 }, () => ({ status: 'pending', expiresAt: later })),
      { status: 'pending', expiresAt: past, imageId: '01JDQ9A1B2C3D4E5F6G7H8J9K0' },
      { status: 'ready' },
    ];
    table.answers = [refused, refused];
    const full = await request({ contentType: 'image/png' });
    expect(full.statusCode).toBe(409);
    expect(JSON.parse(full.body)).toMatchObject({ maxImages: 50, maxPendingImages: 20 });
    expect(violations(full)).toEqual([]);
    expect(table.recounts).toEqual([{ set: { imageCount: 21, pendingImageCount: 20 } }]);
    expect(table.deleted).toEqual([{ pk: `TICKET#${ticketId}`, sk: 'IMAGE#01JDQ9A1B2C3D4E5F6G7H8J9K0' }]);
    expect(table.tries).toBe(2);

    // When the recount gave places back, the second try goes through.
    table.answers = [refused];
    table.recounts = [];
    expect((await request({ contentType: 'image/png' })).statusCode).toBe(201);
    expect(table.recounts).toHaveLength(1);
  });
});
