/**
 * Ticket images as a browser uploads them: ask the API for a presigned POST, post the form straight to S3 (the
 * emulator), and after the object-created check see the image on the ticket with a working download URL. Bytes
 * that are not an image are deleted and never listed.
 */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { imageKey } from '#shared/images/image.entity.ts';
import { deleteItem, updateItem } from '#shared/platform/db.ts';
import type { Schema } from '../../client/index.ts';
import { pngBytes } from '../support/sample-images.ts';
import { apiAs, logIn, newRequester, ok, type Session } from './support.ts';

async function upload(
  target: { url: string; fields: Record<string, string> },
  bytes: Uint8Array,
  type: string,
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
  form.append('file', new Blob([bytes], { type }), 'upload');
  return fetch(target.url, { method: 'POST', body: form });
}

const s3 = new S3Client({
  endpoint: inject('s3Url'),
  region: inject('region'),
  forcePathStyle: true,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
});

const drain = () => fetch(inject('drainUrl'), { method: 'POST' });

describe('ticket images', () => {
  let requester: Session;
  let ticketId: string;

  beforeAll(async () => {
    requester = await newRequester('Pat Photographer');
    const created = await apiAs(requester.token).POST('/tickets', {
      body: { title: 'Broken screen', description: 'See photo', type: 'incident', priority: 'medium' },
    });
    ticketId = ok(created, 'create a ticket').ticketId;
  });

  const askForUpload = (body: Schema<'CreateImageUploadRequest'>, session: Session = requester) =>
    apiAs(session.token).POST('/tickets/{ticketId}/images', { params: { path: { ticketId } }, body });

  const readTicket = async () =>
    ok(
      await apiAs(requester.token).GET('/tickets/{ticketId}', { params: { path: { ticketId } } }),
      'read the ticket',
    );

  it('uploads an image through the presigned POST and shows it on the ticket', async () => {
    const asked = await askForUpload({ contentType: 'image/png', fileName: 'screen.png' });
    const pending = ok(asked, 'ask for an upload');
    expect(asked.response.status).toBe(201);
    expect(asked.response.headers.get('location')).toBe(`/tickets/${ticketId}/images/${pending.imageId}`);
    expect(pending).toMatchObject({ status: 'pending', maxBytes: 10 * 1024 * 1024 });
    expect(pending.upload.fields.key).toBe(`tickets/${ticketId}/images/${pending.imageId}`);

    const bytes = pngBytes();
    const stored = await upload(pending.upload, bytes, 'image/png');
    expect(stored.status).toBeLessThan(300);
    await drain();

    const image = (await readTicket()).images.find((entry) => entry.imageId === pending.imageId);
    expect(image).toMatchObject({ contentType: 'image/png', size: bytes.length, fileName: 'screen.png' });
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: inject('bucket'), Key: pending.upload.fields.key }),
    );
    expect(head.ContentLength).toBe(bytes.length);
    const download = await fetch(image?.url ?? '');
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(new Uint8Array(bytes));
  });

  it('serves a PNG/HTML polyglot as the image type found, inline, whatever was stored with the object', async () => {
    // PNG bytes with a page behind them, declared a JPEG: the upload form stores Content-Type image/jpeg.
    const polyglot = new Uint8Array([
      ...pngBytes(),
      ...new TextEncoder().encode('<html><script>alert(document.cookie)</script></html>'),
    ]);
    const own = ok(
      await apiAs(requester.token).POST('/tickets', {
        body: { title: 'A page?', description: 'Polyglot', type: 'incident', priority: 'low' },
      }),
      'create a ticket',
    );
    const path = { ticketId: own.ticketId };
    const pending = ok(
      await apiAs(requester.token).POST('/tickets/{ticketId}/images', {
        params: { path },
        body: { contentType: 'image/jpeg', fileName: 'page.html' },
      }),
      'ask for an upload',
    );
    expect((await upload(pending.upload, polyglot, 'image/jpeg')).status).toBeLessThan(300);
    await drain();

    const read = ok(await apiAs(requester.token).GET('/tickets/{ticketId}', { params: { path } }), 'read');
    const image = read.images.find((entry) => entry.imageId === pending.imageId);
    expect(image).toMatchObject({ contentType: 'image/png', size: polyglot.length });
    const url = new URL(image?.url ?? '');
    expect(url.searchParams.get('response-content-type')).toBe('image/png');
    expect(url.searchParams.get('response-content-disposition')).toMatch(/^inline; filename="page\.html"/);
    // The signed overrides are what the bucket answers with: never text/html, never the stored image/jpeg.
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('content-disposition')).toMatch(/^inline; filename="page\.html"/);
    // That the overrides are signed (S3 refuses an altered one) is the SigV4 query of test/unit/images-presign.test.ts:
    // the emulator does not check signatures.
  });

  it('deletes and never lists bytes that are not an image, whatever type was declared', async () => {
    const pending = ok(await askForUpload({ contentType: 'image/png' }), 'ask for an upload');
    const stored = await upload(
      pending.upload,
      new TextEncoder().encode('<html>not a picture</html>'),
      'image/png',
    );
    expect(stored.status).toBeLessThan(300);
    await drain();

    expect((await readTicket()).images.map((entry) => entry.imageId)).not.toContain(pending.imageId);
    const head = s3.send(new HeadObjectCommand({ Bucket: inject('bucket'), Key: pending.upload.fields.key }));
    await expect(head).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('refuses types that are not images, oversize files, and tickets the caller cannot see', async () => {
    const pdf = await askForUpload({ contentType: 'application/pdf' });
    expect(pdf.response.status).toBe(415);
    expect(pdf.response.headers.get('content-type')).toBe('application/problem+json');
    expect(pdf.error).toMatchObject({
      type: '/problems/unsupported-media-type',
      allowed: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
    });
    const oversize = await askForUpload({ contentType: 'image/png', size: 11 * 1024 * 1024 });
    expect(oversize.response.status).toBe(413);
    expect(oversize.error).toMatchObject({ type: '/problems/payload-too-large', maxBytes: 10 * 1024 * 1024 });
    const stranger = await newRequester('Stranger');
    const hidden = await askForUpload({ contentType: 'image/png' }, stranger);
    expect(hidden.response.status).toBe(404);
    expect((await readTicket()).images).toEqual([expect.objectContaining({ fileName: 'screen.png' })]);
  });

  it('refuses what the document refuses with 400: a blank type, a blank or control-character name, a size under 1', async () => {
    for (const body of [
      { contentType: '   ' },
      { contentType: 'image/png', fileName: '   ' },
      { contentType: 'image/png', fileName: 'line\nbreak.png' },
      { contentType: 'image/png', size: 0 },
    ]) {
      const refused = await askForUpload(body);
      const field = Object.keys(body).at(-1);
      expect([JSON.stringify(body), refused.response.status, refused.error]).toEqual([
        JSON.stringify(body),
        400,
        expect.objectContaining({
          type: '/problems/validation-error',
          errors: [expect.objectContaining({ in: 'body', pointer: `/${field}` })],
        }),
      ]);
    }
  });
});

/** The ticket images of one session: ask, upload, drain, read. */
function imagesOf(session: Session, ticketId: string) {
  const client = apiAs(session.token);
  const path = (imageId: string) => ({ path: { ticketId, imageId } });
  return {
    ask: (body: Schema<'CreateImageUploadRequest'> = { contentType: 'image/png' }) =>
      client.POST('/tickets/{ticketId}/images', { params: { path: { ticketId } }, body }),
    get: (imageId: string) => client.GET('/tickets/{ticketId}/images/{imageId}', { params: path(imageId) }),
    caption: (imageId: string, caption: string | null) =>
      client.PATCH('/tickets/{ticketId}/images/{imageId}', { params: path(imageId), body: { caption } }),
    remove: (imageId: string) =>
      client.DELETE('/tickets/{ticketId}/images/{imageId}', { params: path(imageId) }),
    replace: (imageId: string, body: Schema<'CreateImageUploadRequest'> = { contentType: 'image/png' }) =>
      client.POST('/tickets/{ticketId}/images/{imageId}/replace', { params: path(imageId), body }),
    list: (query: { limit?: number; cursor?: string } = {}) =>
      client.GET('/tickets/{ticketId}/images', { params: { path: { ticketId }, query } }),
    ticket: async () =>
      ok(await client.GET('/tickets/{ticketId}', { params: { path: { ticketId } } }), 'read the ticket'),
    /** Ask for an upload and send good PNG bytes; drained, so the image is checked. */
    async readyImage(body: Schema<'CreateImageUploadRequest'> = { contentType: 'image/png' }) {
      const pending = ok(await this.ask(body), 'ask for an upload');
      expect((await upload(pending.upload, pngBytes(), 'image/png')).status).toBeLessThan(300);
      await drain();
      return pending;
    },
  };
}

const objectExists = async (key: string) =>
  s3.send(new HeadObjectCommand({ Bucket: inject('bucket'), Key: key })).then(
    () => true,
    (error: { name?: string }) => {
      if (error.name === 'NotFound') return false;
      throw error;
    },
  );

describe('image captions, and the Location of an upload', () => {
  let requester: Session;
  let ticketId: string;

  beforeAll(async () => {
    requester = await newRequester('Cora Captioner');
    ticketId = ok(
      await apiAs(requester.token).POST('/tickets', { body: { title: 'Captions', description: 'Photos' } }),
      'create a ticket',
    ).ticketId;
  });

  it('names a served path in Location: the image, pending, then ready with its caption and a URL', async () => {
    const mine = imagesOf(requester, ticketId);
    const asked = await mine.ask({ contentType: 'image/png', caption: 'The printer tray' });
    const pending = ok(asked, 'ask for an upload');
    const location = asked.response.headers.get('location') ?? '';
    expect(location).toBe(`/tickets/${ticketId}/images/${pending.imageId}`);
    const before = await fetch(new URL(location, inject('apiUrl')), {
      headers: { authorization: `Bearer ${requester.token}` },
    });
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({
      imageId: pending.imageId,
      status: 'pending',
      caption: 'The printer tray',
    });

    expect((await upload(pending.upload, pngBytes(), 'image/png')).status).toBeLessThan(300);
    await drain();
    const after = ok(await mine.get(pending.imageId), 'read the image');
    expect(after).toMatchObject({ status: 'ready', contentType: 'image/png', uploaderId: requester.userId });
    expect((await fetch(after.url ?? '')).status).toBe(200);
    const shown = (await mine.ticket()).images.find((image) => image.imageId === pending.imageId);
    expect(shown?.caption).toBe('The printer tray');
  });

  it('lets the uploader set and remove a caption, bounded in characters (code points), not in UTF-16 units', async () => {
    const mine = imagesOf(requester, ticketId);
    const { imageId } = ok(await mine.ask(), 'ask for an upload');
    // 500 emoji: 1,000 UTF-16 code units, 500 characters.
    const longest = '📷'.repeat(500);
    expect(ok(await mine.caption(imageId, longest), 'caption').caption).toBe(longest);
    const tooLong = await mine.caption(imageId, `${longest}x`);
    expect(tooLong.response.status).toBe(400);
    expect(tooLong.error).toMatchObject({ errors: [expect.objectContaining({ pointer: '/caption' })] });
    expect((await mine.caption(imageId, '   ')).response.status).toBe(400);
    expect((await mine.ask({ contentType: 'image/png', caption: 'y'.repeat(501) })).response.status).toBe(
      400,
    );
    const removed = ok(await mine.caption(imageId, null), 'remove the caption');
    expect(removed.caption).toBeUndefined();
  });
});

describe('deleting images', () => {
  let requester: Session;
  let agent: Session;
  let admin: Session;
  let ticketId: string;

  beforeAll(async () => {
    const accounts = inject('demoAccounts');
    [requester, agent, admin] = await Promise.all([
      newRequester('Dana Deleter'),
      logIn(accounts.agent.email, accounts.agent.password),
      logIn(accounts.admin.email, accounts.admin.password),
    ]);
    ticketId = ok(
      await apiAs(requester.token).POST('/tickets', { body: { title: 'Wrong photo', description: 'Oops' } }),
      'create a ticket',
    ).ticketId;
  });

  it('deletes the object and the image: gone from the ticket, the list and its own path', async () => {
    const mine = imagesOf(requester, ticketId);
    const pending = await mine.readyImage();
    expect(await objectExists(pending.upload.fields.key ?? '')).toBe(true);

    const deleted = await mine.remove(pending.imageId);
    expect(deleted.response.status).toBe(204);
    expect(await objectExists(pending.upload.fields.key ?? '')).toBe(false);
    expect((await mine.ticket()).images.map((image) => image.imageId)).not.toContain(pending.imageId);
    const listed = ok(await mine.list(), 'list the images');
    expect(listed.items.map((image) => image.imageId)).not.toContain(pending.imageId);
    expect((await mine.get(pending.imageId)).response.status).toBe(404);
    expect((await mine.remove(pending.imageId)).response.status).toBe(404);
  });

  it('voids the form of a deleted pending image: bytes posted to it afterwards are deleted, never shown', async () => {
    const mine = imagesOf(requester, ticketId);
    const pending = ok(await mine.ask(), 'ask for an upload');
    expect((await mine.remove(pending.imageId)).response.status).toBe(204);
    expect((await upload(pending.upload, pngBytes(), 'image/png')).status).toBeLessThan(300);
    await drain();
    expect(await objectExists(pending.upload.fields.key ?? '')).toBe(false);
    expect((await mine.get(pending.imageId)).response.status).toBe(404);
  });

  it('lets only the uploader or canEditAll delete: the requester may not delete the agent’s image (403)', async () => {
    const agents = imagesOf(agent, ticketId);
    const pending = await agents.readyImage();
    const byRequester = await imagesOf(requester, ticketId).remove(pending.imageId);
    expect(byRequester.response.status).toBe(403);
    expect(byRequester.error).toMatchObject({ type: '/problems/forbidden' });
    // Someone who cannot see the ticket learns nothing: 404.
    const stranger = await newRequester('Stranger');
    expect((await imagesOf(stranger, ticketId).remove(pending.imageId)).response.status).toBe(404);
    expect(ok(await agents.get(pending.imageId), 'still there').status).toBe('ready');
    // The admin (canEditAll) may delete the agent's image.
    expect((await imagesOf(admin, ticketId).remove(pending.imageId)).response.status).toBe(204);
  });

  it('freezes the images of a canceled ticket: 409 for the uploader, but canDeleteAll still deletes', async () => {
    const own = ok(
      await apiAs(requester.token).POST('/tickets', { body: { title: 'To cancel', description: 'Photo' } }),
      'create a ticket',
    );
    const mine = imagesOf(requester, own.ticketId);
    const pending = await mine.readyImage();
    ok(
      await apiAs(requester.token).PATCH('/tickets/{ticketId}', {
        params: { path: { ticketId: own.ticketId } },
        body: { status: 'canceled' },
      }),
      'cancel',
    );
    const refused = await mine.remove(pending.imageId);
    expect(refused.response.status).toBe(409);
    expect((await mine.caption(pending.imageId, 'late')).response.status).toBe(409);
    expect((await mine.replace(pending.imageId)).response.status).toBe(409);
    expect((await imagesOf(admin, own.ticketId).remove(pending.imageId)).response.status).toBe(204);
    expect(await objectExists(pending.upload.fields.key ?? '')).toBe(false);
  });
});

describe('replacing an image', () => {
  let requester: Session;
  let ticketId: string;

  beforeAll(async () => {
    requester = await newRequester('Rhea Replacer');
    ticketId = ok(
      await apiAs(requester.token).POST('/tickets', {
        body: { title: 'Blurry photo', description: 'Retake' },
      }),
      'create a ticket',
    ).ticketId;
  });

  it('keeps the old image until the replacement passes the check, then shows only the new one', async () => {
    const mine = imagesOf(requester, ticketId);
    const old = await mine.readyImage({ contentType: 'image/png', caption: 'Blurry' });
    const asked = await mine.replace(old.imageId, { contentType: 'image/png', fileName: 'sharp.png' });
    const replacement = ok(asked, 'ask for a replacement');
    expect(asked.response.status).toBe(201);
    expect(asked.response.headers.get('location')).toBe(`/tickets/${ticketId}/images/${replacement.imageId}`);
    expect(replacement).toMatchObject({ status: 'pending', replaces: old.imageId });

    // Not uploaded yet: the old image is still the one shown.
    expect((await mine.ticket()).images.map((image) => image.imageId)).toContain(old.imageId);
    expect(ok(await mine.get(replacement.imageId), 'the replacement')).toMatchObject({
      status: 'pending',
      replaces: old.imageId,
    });

    expect((await upload(replacement.upload, pngBytes(4, 4), 'image/png')).status).toBeLessThan(300);
    await drain();
    const ids = (await mine.ticket()).images.map((image) => image.imageId);
    expect(ids).toContain(replacement.imageId);
    expect(ids).not.toContain(old.imageId);
    expect(ok(await mine.get(replacement.imageId), 'the new image')).toMatchObject({
      status: 'ready',
      fileName: 'sharp.png',
      caption: 'Blurry',
    });
    expect((await mine.get(old.imageId)).response.status).toBe(404);
    expect(await objectExists(old.upload.fields.key ?? '')).toBe(false);
    expect(await objectExists(replacement.upload.fields.key ?? '')).toBe(true);
  });

  it('leaves the old image in place when the replacement’s bytes are rejected', async () => {
    const mine = imagesOf(requester, ticketId);
    const old = await mine.readyImage();
    const replacement = ok(await mine.replace(old.imageId), 'ask for a replacement');
    const bad = new TextEncoder().encode('<html>not a picture</html>');
    expect((await upload(replacement.upload, bad, 'image/png')).status).toBeLessThan(300);
    await drain();
    expect(ok(await mine.get(replacement.imageId), 'the replacement').status).toBe('rejected');
    expect(ok(await mine.get(old.imageId), 'the old image').status).toBe('ready');
    expect(await objectExists(old.upload.fields.key ?? '')).toBe(true);
    expect((await mine.ticket()).images.map((image) => image.imageId)).toContain(old.imageId);
  });

  it('replaces only ready images (409 for a pending one) and refuses what an upload refuses', async () => {
    const mine = imagesOf(requester, ticketId);
    const pending = ok(await mine.ask(), 'ask for an upload');
    const refused = await mine.replace(pending.imageId);
    expect(refused.response.status).toBe(409);
    expect(refused.error).toMatchObject({ imageStatus: 'pending' });
    const old = await mine.readyImage();
    expect((await mine.replace(old.imageId, { contentType: 'application/pdf' })).response.status).toBe(415);
    expect(
      (await mine.replace(old.imageId, { contentType: 'image/png', size: 11 * 1024 * 1024 })).response.status,
    ).toBe(413);
  });
});

describe('images never uploaded in time', () => {
  let requester: Session;
  let ticketId: string;

  beforeAll(async () => {
    Object.assign(process.env, inject('env'));
    requester = await newRequester('Pia Procrastinator');
    ticketId = ok(
      await apiAs(requester.token).POST('/tickets', { body: { title: 'Late upload', description: 'Later' } }),
      'create a ticket',
    ).ticketId;
  });

  it('deletes bytes posted to a form whose pending image is gone (expired and removed by TTL)', async () => {
    const mine = imagesOf(requester, ticketId);
    const pending = ok(await mine.ask(), 'ask for an upload');
    // What DynamoDB's TTL does once `expiresAt` has passed: the item is gone.
    await deleteItem(imageKey(ticketId, pending.imageId));
    expect((await upload(pending.upload, pngBytes(), 'image/png')).status).toBeLessThan(300);
    await drain();
    expect(await objectExists(pending.upload.fields.key ?? '')).toBe(false);
    expect((await mine.get(pending.imageId)).response.status).toBe(404);
    expect((await mine.ticket()).images.map((image) => image.imageId)).not.toContain(pending.imageId);
  });

  it('deletes bytes posted for a pending image past its expiresAt that the TTL has not removed yet', async () => {
    const mine = imagesOf(requester, ticketId);
    const pending = ok(await mine.ask(), 'ask for an upload');
    await updateItem(imageKey(ticketId, pending.imageId), {
      set: { expiresAt: Math.floor(Date.now() / 1000) - 1 },
    });
    // Gone for readers at once, whether or not the TTL has run.
    expect((await mine.get(pending.imageId)).response.status).toBe(404);
    expect((await upload(pending.upload, pngBytes(), 'image/png')).status).toBeLessThan(300);
    await drain();
    expect(await objectExists(pending.upload.fields.key ?? '')).toBe(false);
    expect((await mine.ticket()).images.map((image) => image.imageId)).not.toContain(pending.imageId);
  });
});

describe('listing a ticket’s images', () => {
  it('pages the ready images, oldest first, each with a fresh URL; pending and rejected ones are left out', async () => {
    const requester = await newRequester('Lou Lister');
    const { ticketId } = ok(
      await apiAs(requester.token).POST('/tickets', { body: { title: 'Many photos', description: 'Three' } }),
      'create a ticket',
    );
    const mine = imagesOf(requester, ticketId);
    const ready = [];
    for (let i = 0; i < 3; i++) ready.push((await mine.readyImage()).imageId);
    ok(await mine.ask(), 'a pending image');

    const first = ok(await mine.list({ limit: 2 }), 'first page');
    expect(first.items.map((image) => image.imageId)).toEqual(ready.slice(0, 2));
    expect(first.nextCursor).toEqual(expect.any(String));
    for (const image of first.items) {
      expect(Date.parse(image.urlExpiresAt)).toBeGreaterThan(Date.now());
      expect((await fetch(image.url)).status).toBe(200);
    }
    // The rest, page by page: the third ready image, then nothing more (the pending one is read and left out).
    const rest: string[] = [];
    let cursor: string | null = first.nextCursor;
    for (let pages = 0; cursor && pages < 5; pages++) {
      const page = ok(await mine.list({ limit: 2, cursor }), 'next page');
      rest.push(...page.items.map((image) => image.imageId));
      cursor = page.nextCursor;
    }
    expect(cursor).toBeNull();
    expect(rest).toEqual(ready.slice(2));

    // A cursor of another ticket's list is refused.
    const other = ok(
      await apiAs(requester.token).POST('/tickets', { body: { title: 'Other', description: 'None' } }),
      'another ticket',
    );
    const foreign = await imagesOf(requester, other.ticketId).list({ cursor: first.nextCursor ?? '' });
    expect(foreign.response.status).toBe(422);
  });
});
