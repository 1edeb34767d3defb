/**
 * Ticket images as a browser uploads them: ask the API for a presigned POST, post the form straight to S3 (the
 * emulator), and after the object-created check see the image on the ticket with a working download URL. Bytes
 * that are not an image are deleted and never listed.
 */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { pngBytes } from '../support/sample-images.ts';
import { call, newRequester, type Session } from './support.ts';

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
    const created = await call('/tickets', {
      token: requester.token,
      json: { title: 'Broken screen', description: 'See photo' },
    });
    ticketId = created.body.ticketId;
  });

  const askForUpload = (json: Record<string, unknown>, session: Session = requester) =>
    call(`/tickets/${ticketId}/images`, { token: session.token, json });

  it('uploads an image through the presigned POST and shows it on the ticket', async () => {
    const asked = await askForUpload({ contentType: 'image/png', fileName: 'screen.png' });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ status: 'pending', maxBytes: 10 * 1024 * 1024 });
    expect(asked.body.upload.fields.key).toBe(`tickets/${ticketId}/images/${asked.body.imageId}`);

    const bytes = pngBytes();
    const stored = await upload(asked.body.upload, bytes, 'image/png');
    expect(stored.status).toBeLessThan(300);
    await drain();

    const ticket = await call(`/tickets/${ticketId}`, { token: requester.token });
    const image = ticket.body.images.find(
      (entry: { imageId: string }) => entry.imageId === asked.body.imageId,
    );
    expect(image).toMatchObject({ contentType: 'image/png', size: bytes.length, fileName: 'screen.png' });
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: inject('bucket'), Key: asked.body.upload.fields.key }),
    );
    expect(head.ContentLength).toBe(bytes.length);
    const download = await fetch(image.url);
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(new Uint8Array(bytes));
  });

  it('deletes and never lists bytes that are not an image, whatever type was declared', async () => {
    const asked = await askForUpload({ contentType: 'image/png' });
    const stored = await upload(
      asked.body.upload,
      new TextEncoder().encode('<html>not a picture</html>'),
      'image/png',
    );
    expect(stored.status).toBeLessThan(300);
    await drain();

    const ticket = await call(`/tickets/${ticketId}`, { token: requester.token });
    expect(ticket.body.images.map((entry: { imageId: string }) => entry.imageId)).not.toContain(
      asked.body.imageId,
    );
    const head = s3.send(
      new HeadObjectCommand({ Bucket: inject('bucket'), Key: asked.body.upload.fields.key }),
    );
    await expect(head).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('refuses types that are not images, oversize files, and tickets the caller cannot see', async () => {
    const pdf = await askForUpload({ contentType: 'application/pdf' });
    expect(pdf.status).toBe(415);
    expect(pdf.headers.get('content-type')).toBe('application/problem+json');
    expect((await askForUpload({ contentType: 'image/png', size: 11 * 1024 * 1024 })).status).toBe(413);
    const stranger = await newRequester('Stranger');
    expect((await askForUpload({ contentType: 'image/png' }, stranger)).status).toBe(404);
  });
});
