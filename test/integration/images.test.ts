/**
 * Ticket images as a browser uploads them: ask the API for a presigned POST, post the form straight to S3 (the
 * emulator), and after the object-created check see the image on the ticket with a working download URL. Bytes
 * that are not an image are deleted and never listed.
 */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Schema } from '../../client/index.ts';
import { pngBytes } from '../support/sample-images.ts';
import { apiAs, newRequester, ok, type Session } from './support.ts';

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
