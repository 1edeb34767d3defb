/**
 * What a hostile client found on one ticket (issue 9, OWASP API4 "unrestricted resource consumption"), through
 * the HTTP API against the local stack:
 * - comments do not contend on the ticket's version: 20 at once all succeed, and the ticket's ETag stays;
 * - a ticket takes at most 1,000 comments, 50 images and 20 images requested but not uploaded, each enforced by a
 *   counter on the ticket item in the same transaction as the write (at the cap, requests at once never overshoot);
 * - a requested image never uploaded expires (`expiresAt`, the table's TTL): it gives its place back, and its key
 *   is refused by the object-created check afterwards; a completed upload loses its TTL.
 * Counters are moved near their cap directly in the table (DynamoDB Local) where reaching it through the API would
 * take a thousand requests.
 */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { MAX_COMMENTS_PER_TICKET } from '#shared/comments/policy.ts';
import { type ImageItem, imageKey, imagePrefix, imageRecord } from '#shared/images/image.entity.ts';
import { MAX_IMAGES_PER_TICKET, MAX_PENDING_IMAGES_PER_TICKET } from '#shared/images/rules.ts';
import { getItem, putItem, queryPage, updateItem } from '#shared/platform/db.ts';
import { ticketKey } from '#shared/tickets/ticket.entity.ts';
import { pngBytes } from '../support/sample-images.ts';
import { apiAs, logIn, newRequester, ok, type Session } from './support.ts';

const accounts = inject('demoAccounts');
const s3 = new S3Client({
  endpoint: inject('s3Url'),
  region: inject('region'),
  forcePathStyle: true,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
});
const drain = () => fetch(inject('drainUrl'), { method: 'POST' });

let requester: Session;
let agent: Session;

beforeAll(async () => {
  // Counters and image items are read and moved in the table (DynamoDB Local) next to the API.
  Object.assign(process.env, inject('env'));
  [requester, agent] = await Promise.all([
    newRequester('Hostile Client'),
    logIn(accounts.agent.email, accounts.agent.password),
  ]);
});

const as = (session: Session) => apiAs(session.token);

async function newTicket(title: string) {
  const created = await as(requester).POST('/tickets', { body: { title, description: `About ${title}` } });
  expect(created.response.status).toBe(201);
  return ok(created, 'create ticket');
}

const postComment = (session: Session, ticketId: string, body: string) =>
  as(session).POST('/tickets/{ticketId}/comments', {
    params: { path: { ticketId } },
    body: { body, internal: false },
  });

const askForImage = (ticketId: string) =>
  as(requester).POST('/tickets/{ticketId}/images', {
    params: { path: { ticketId } },
    body: { contentType: 'image/png', fileName: 'photo.png' },
  });

type Counters = { commentCount?: number; imageCount?: number; pendingImageCount?: number };
const countersOf = async (ticketId: string) =>
  (await getItem<Counters>(ticketKey(ticketId), { consistent: true })) ?? {};

async function upload(target: { url: string; fields: Record<string, string> }, bytes: Uint8Array) {
  const form = new FormData();
  for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
  form.append('file', new Blob([bytes], { type: 'image/png' }), 'upload');
  return fetch(target.url, { method: 'POST', body: form });
}

const statuses = (responses: { response: Response }[]) => responses.map(({ response }) => response.status);

describe('comments on one ticket', () => {
  it('takes 20 comments at once, all 201, all listed, and the ticket keeps its version and ETag', async () => {
    const { ticketId } = await newTicket('Twenty at once');
    const before = await as(requester).GET('/tickets/{ticketId}', { params: { path: { ticketId } } });
    const etag = before.response.headers.get('etag');
    expect(etag).toBe(`"${ticketId}.1"`);

    const posted = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        postComment(n % 2 === 0 ? requester : agent, ticketId, `Message ${n}`),
      ),
    );
    expect(statuses(posted)).toEqual(Array(20).fill(201));

    const listed = ok(
      await as(requester).GET('/tickets/{ticketId}/comments', {
        params: { path: { ticketId }, query: { limit: 100 } },
      }),
      'list',
    );
    const bodies = listed.items.filter((item) => !item.isDescription).map((item) => item.body);
    expect(bodies.sort()).toEqual(Array.from({ length: 20 }, (_, n) => `Message ${n}`).sort());

    // The agent's responses marked the ticket, the count is exact, and the version did not move.
    const after = await as(requester).GET('/tickets/{ticketId}', { params: { path: { ticketId } } });
    expect(after.response.headers.get('etag')).toBe(etag);
    expect(ok(after, 'read').version).toBe(1);
    const item = await getItem<Counters & { agentResponded?: boolean }>(ticketKey(ticketId));
    expect(item).toMatchObject({ commentCount: 20, agentResponded: true });
    // An If-Match read before the comments still matches after them.
    const edited = await as(requester).PATCH('/tickets/{ticketId}', {
      params: { path: { ticketId }, header: { 'if-match': etag as string } },
      body: { title: 'Twenty at once, edited' },
    });
    expect(edited.response.status).toBe(200);
  });

  it(`refuses the comment over ${MAX_COMMENTS_PER_TICKET} with a 409 that says the limit, also when they race`, async () => {
    const { ticketId } = await newTicket('Long thread');
    await updateItem(ticketKey(ticketId), { set: { commentCount: MAX_COMMENTS_PER_TICKET - 3 } });

    const racing = await Promise.all(
      Array.from({ length: 6 }, (_, n) =>
        postComment(n % 2 === 0 ? requester : agent, ticketId, `Race ${n}`),
      ),
    );
    expect(statuses(racing).sort()).toEqual([201, 201, 201, 409, 409, 409]);
    const refused = racing.find(({ response }) => response.status === 409);
    expect(refused?.error).toMatchObject({
      type: '/problems/conflict',
      maxComments: MAX_COMMENTS_PER_TICKET,
      detail: expect.stringContaining('1000 comments'),
    });
    expect((await countersOf(ticketId)).commentCount).toBe(MAX_COMMENTS_PER_TICKET);

    const onTicket = await as(agent).POST('/comments', { body: { ticketId, body: 'One more?' } });
    expect(onTicket.response.status).toBe(409);
    const { items } = await queryPage({
      partition: { pk: ticketKey(ticketId).pk },
      beginsWith: ['sk', 'COMMENT#'],
      limit: 10,
    });
    expect(items).toHaveLength(3);
  });
});

describe('images on one ticket', () => {
  it(`takes ${MAX_PENDING_IMAGES_PER_TICKET} pending requests at once and refuses the rest; an upload gives a place back and loses its TTL`, async () => {
    const { ticketId } = await newTicket('Many photos');
    const asked = await Promise.all(
      Array.from({ length: MAX_PENDING_IMAGES_PER_TICKET + 4 }, () => askForImage(ticketId)),
    );
    const accepted = asked.flatMap((answer) =>
      answer.response.status === 201 && answer.data ? [answer.data] : [],
    );
    expect(accepted).toHaveLength(MAX_PENDING_IMAGES_PER_TICKET);
    expect(statuses(asked).filter((status) => status === 409)).toHaveLength(4);
    expect(asked.find(({ response }) => response.status === 409)?.error).toMatchObject({
      type: '/problems/conflict',
      maxImages: MAX_IMAGES_PER_TICKET,
      maxPendingImages: MAX_PENDING_IMAGES_PER_TICKET,
    });
    expect(await countersOf(ticketId)).toMatchObject({
      imageCount: MAX_PENDING_IMAGES_PER_TICKET,
      pendingImageCount: MAX_PENDING_IMAGES_PER_TICKET,
    });

    // Every pending item expires (epoch seconds) an hour after its POST.
    const first = accepted[0] as (typeof accepted)[number];
    const pending = await getItem<ImageItem>(imageKey(ticketId, first.imageId), { consistent: true });
    expect((pending?.expiresAt ?? 0) - Date.parse(first.upload.expiresAt) / 1000).toBe(3600);

    expect((await upload(first.upload, pngBytes())).status).toBeLessThan(300);
    await drain();
    const ready = await getItem<ImageItem>(imageKey(ticketId, first.imageId), { consistent: true });
    expect(ready).toMatchObject({ status: 'ready' });
    expect(ready).not.toHaveProperty('expiresAt');
    expect(await countersOf(ticketId)).toMatchObject({
      imageCount: MAX_PENDING_IMAGES_PER_TICKET,
      pendingImageCount: MAX_PENDING_IMAGES_PER_TICKET - 1,
    });
    expect((await askForImage(ticketId)).response.status).toBe(201);
    expect((await askForImage(ticketId)).response.status).toBe(409);
  });

  it('refuses an upload to an expired key, gives the places back and deletes the expired items', async () => {
    const { ticketId } = await newTicket('Forgotten uploads');
    const asked = await Promise.all(
      Array.from({ length: MAX_PENDING_IMAGES_PER_TICKET }, () => askForImage(ticketId)),
    );
    expect(statuses(asked)).toEqual(Array(MAX_PENDING_IMAGES_PER_TICKET).fill(201));
    expect((await askForImage(ticketId)).response.status).toBe(409);

    // Three of them expire (DynamoDB's TTL deletes within days: until then, readers treat them as gone).
    const [late, later, ...rest] = asked.slice(0, 3).map((answer) => ok(answer, 'asked'));
    if (!late || !later) throw new Error('three images asked');
    const past = Math.floor(Date.now() / 1000) - 1;
    for (const image of [late, later, ...rest]) {
      await updateItem(imageKey(ticketId, image.imageId), { set: { expiresAt: past } });
    }
    const objectGone = (key: string | undefined) =>
      expect(s3.send(new HeadObjectCommand({ Bucket: inject('bucket'), Key: key }))).rejects.toMatchObject({
        name: 'NotFound',
      });

    // An expired key's form still reaches the bucket (the emulator does not enforce the policy's expiry; S3 would
    // refuse it after 5 minutes anyway): the check deletes the object, and the image never shows.
    expect((await upload(late.upload, pngBytes())).status).toBeLessThan(300);
    await drain();
    expect(await getItem<ImageItem>(imageKey(ticketId, late.imageId), { consistent: true })).toMatchObject({
      status: 'pending',
      expiresAt: past,
    });
    await objectGone(late.upload.fields.key);

    const again = await Promise.all([askForImage(ticketId), askForImage(ticketId)]);
    expect(statuses(again)).toEqual([201, 201]);
    // Recounted from the items: 17 live pending + 2 new; the expired items are deleted.
    expect(await countersOf(ticketId)).toMatchObject({
      imageCount: MAX_PENDING_IMAGES_PER_TICKET - 1,
      pendingImageCount: MAX_PENDING_IMAGES_PER_TICKET - 1,
    });
    expect(await getItem(imageKey(ticketId, later.imageId), { consistent: true })).toBeUndefined();

    // A key whose image item is gone is refused too (an orphan).
    expect((await upload(later.upload, pngBytes())).status).toBeLessThan(300);
    await drain();
    await objectGone(later.upload.fields.key);
    const ticket = ok(
      await as(requester).GET('/tickets/{ticketId}', { params: { path: { ticketId } } }),
      'read',
    );
    expect(ticket.images.map((image) => image.imageId)).not.toContain(later.imageId);
    expect(await getItem(imageKey(ticketId, later.imageId), { consistent: true })).toBeUndefined();
  });

  it(`refuses the image over ${MAX_IMAGES_PER_TICKET} on a ticket, pending, ready or rejected`, async () => {
    const { ticketId } = await newTicket('Photo album');
    const held = MAX_IMAGES_PER_TICKET - 2;
    // Images checked long ago (ready and rejected), written as the check leaves them, and their count.
    for (let n = 0; n < held; n++) {
      const imageId = `01JDQ9A1B2C3D4E5F6G7H8J${String(n).padStart(3, '0')}`;
      await putItem(
        imageRecord({
          ticketId,
          imageId,
          objectKey: `tickets/${ticketId}/images/${imageId}`,
          status: n % 5 === 0 ? 'rejected' : 'ready',
          declaredContentType: 'image/png',
          contentType: 'image/png',
          size: 67,
          uploaderId: requester.userId,
          createdAt: new Date().toISOString(),
        }),
      );
    }
    await updateItem(ticketKey(ticketId), { set: { imageCount: held, pendingImageCount: 0 } });

    const asked = await Promise.all(Array.from({ length: 4 }, () => askForImage(ticketId)));
    expect(statuses(asked).sort()).toEqual([201, 201, 409, 409]);
    expect(await countersOf(ticketId)).toMatchObject({
      imageCount: MAX_IMAGES_PER_TICKET,
      pendingImageCount: 2,
    });
    const { items } = await queryPage({
      partition: { pk: ticketKey(ticketId).pk },
      beginsWith: ['sk', imagePrefix],
      limit: 100,
    });
    expect(items).toHaveLength(MAX_IMAGES_PER_TICKET);
  });
});
