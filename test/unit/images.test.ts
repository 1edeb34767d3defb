import { createHmac } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import type { ImageItem } from '#shared/images/image.entity.ts';
import { decodeS3EventKey, imageObjectKey, parseImageObjectKey } from '#shared/images/object-key.ts';
import {
  createImageUpload,
  decodePostPolicy,
  inlineDisposition,
  presignedImageUrl,
} from '#shared/images/presign.ts';
import { ImageView, PresignedPostView } from '#shared/images/responses.ts';
import {
  inspectImageBytes,
  isAllowedImageType,
  MAX_IMAGE_BYTES,
  ticketAcceptsImages,
  UPLOAD_EXPIRES_SECONDS,
} from '#shared/images/rules.ts';
import { CreateImageUploadBody } from '#shared/images/schemas.ts';
import { imageViews } from '#shared/images/views.ts';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
/** The errors of a value by a schema as the OpenAPI document shows it (JSON Schema, ajv); empty when valid. */
function documentErrors(schema: z.ZodMiniType, io: 'input' | 'output', value: unknown) {
  const validate = ajv.compile(z.toJSONSchema(schema, { io, target: 'draft-2020-12' }));
  return validate(value) ? [] : (validate.errors ?? []);
}

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

/** A complete 1x1 RGBA PNG (signature, IHDR, IDAT, IEND). */
const png = hex(`
  89504e470d0a1a0a 0000000d49484452 0000000100000001 0806000000 1f15c489
  0000000d49444154 78da63f8cfc0f01f 0005000201 a5d2a1ae
  0000000049454e44 ae426082`);
/** A 1x1 GIF89a. */
const gif = hex('4749463839610100010000000000 2c00000000010001000002003b');
/** The start of a JFIF JPEG (SOI, APP0 JFIF) and its end marker. */
const jpeg = hex('ffd8ffe000104a46494600010100000100010000 ffd9');
/** A lossless 1x1 WebP (RIFF, WEBP, VP8L). */
const webp = Uint8Array.from([
  ...Buffer.from('RIFF'),
  26,
  0,
  0,
  0,
  ...Buffer.from('WEBPVP8L'),
  13,
  0,
  0,
  0,
  0x2f,
  0,
  0,
  0,
  0x10,
  0x07,
  0x10,
  0x11,
  0x11,
  0x88,
  0x88,
  0xfe,
  0x07,
  0,
]);
const text = (value: string) => new TextEncoder().encode(value);

describe('inspectImageBytes', () => {
  it.each([
    ['image/png', png],
    ['image/jpeg', jpeg],
    ['image/gif', gif],
    ['image/webp', webp],
  ])('accepts a real %s', async (type, bytes) => {
    expect(await inspectImageBytes(bytes, bytes.byteLength, type)).toEqual({
      ok: true,
      contentType: type,
      declaredMatches: true,
    });
  });

  it('rejects text, HTML and SVG declared as an image: no image signature', async () => {
    for (const body of [
      'hello, world',
      '<html><script>alert(1)</script></html>',
      '<svg xmlns="http://www.w3.org/2000/svg"/>',
    ]) {
      const result = await inspectImageBytes(text(body), body.length, 'image/png');
      expect(result).toMatchObject({ ok: false, code: 'unrecognized' });
    }
  });

  it('rejects a recognised format that is not an allowed image type', async () => {
    const pdf = text('%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n');
    const result = await inspectImageBytes(pdf, pdf.byteLength, 'image/png');
    expect(result).toMatchObject({ ok: false, code: 'not-an-allowed-type' });
    expect(result.ok || result.reason).toContain('application/pdf');
  });

  it('accepts a declared type that differs from the bytes, and reports the type the bytes are', async () => {
    expect(await inspectImageBytes(jpeg, jpeg.byteLength, 'image/png')).toEqual({
      ok: true,
      contentType: 'image/jpeg',
      declaredMatches: false,
    });
  });

  it('rejects an empty object and one over the limit, whatever its first bytes', async () => {
    expect(await inspectImageBytes(new Uint8Array(), 0, 'image/png')).toMatchObject({
      ok: false,
      code: 'empty',
    });
    expect(await inspectImageBytes(png, MAX_IMAGE_BYTES + 1, 'image/png')).toMatchObject({
      ok: false,
      code: 'too-large',
    });
    expect(await inspectImageBytes(new Uint8Array(), MAX_IMAGE_BYTES + 1, 'image/png')).toMatchObject({
      ok: false,
      code: 'too-large',
    });
    expect(await inspectImageBytes(png, MAX_IMAGE_BYTES, 'image/png')).toMatchObject({ ok: true });
  });
});

describe('image rules', () => {
  it('allows the four browser raster formats and nothing else', () => {
    for (const type of ['image/jpeg', 'image/png', 'image/gif', 'image/webp'])
      expect(isAllowedImageType(type)).toBe(true);
    for (const type of ['image/svg+xml', 'image/heic', 'image/jpg', 'text/html', 'IMAGE/PNG', '']) {
      expect(isAllowedImageType(type)).toBe(false);
    }
  });

  it('is 10 MiB at most', () => expect(MAX_IMAGE_BYTES).toBe(10_485_760));

  it('takes no images on closed or canceled tickets', () => {
    expect(ticketAcceptsImages('open')).toBe(true);
    expect(ticketAcceptsImages('pending_approval')).toBe(true);
    expect(ticketAcceptsImages('resolved')).toBe(true);
    expect(ticketAcceptsImages('closed')).toBe(false);
    expect(ticketAcceptsImages('canceled')).toBe(false);
  });
});

describe('image object keys', () => {
  const ticketId = '01JDQ8Z3M4N5P6Q7R8S9T0V1W2';
  const imageId = '01JDQ9A1B2C3D4E5F6G7H8J9K0';

  it('builds and parses tickets/<ticketId>/images/<imageId>', () => {
    const key = imageObjectKey(ticketId, imageId);
    expect(key).toBe(`tickets/${ticketId}/images/${imageId}`);
    expect(parseImageObjectKey(key)).toEqual({ ticketId, imageId });
  });

  it('round-trips through S3 event key encoding (URL-encoded, spaces as +)', () => {
    const key = imageObjectKey(ticketId, imageId);
    const asS3Sends = encodeURIComponent(key).replaceAll('%20', '+');
    expect(asS3Sends).toContain('%2F');
    expect(parseImageObjectKey(decodeS3EventKey(asS3Sends) ?? '')).toEqual({ ticketId, imageId });
    expect(parseImageObjectKey(decodeS3EventKey(key) ?? '')).toEqual({ ticketId, imageId });
  });

  it('decodes + as a space and %2B as a plus', () => {
    expect(decodeS3EventKey('tickets/a+b%2Bc/x')).toBe('tickets/a b+c/x');
    expect(decodeS3EventKey('tickets/%E0%A4%A')).toBeUndefined();
  });

  it('ignores keys that are not image keys', () => {
    for (const key of [
      'tickets/',
      `tickets/${ticketId}/images/`,
      `tickets/${ticketId}/images/${imageId}/extra`,
      `tickets/${ticketId}/files/${imageId}`,
      `other/${ticketId}/images/${imageId}`,
      `tickets/a b/images/${imageId}`,
      `tickets/../images/${imageId}`,
    ]) {
      expect(parseImageObjectKey(key), key).toBeUndefined();
    }
  });

  it('refuses ids that would break the key', () => {
    expect(() => imageObjectKey('a/b', imageId)).toThrow();
    expect(() => imageObjectKey(ticketId, '')).toThrow();
    expect(() => imageObjectKey('x'.repeat(65), imageId)).toThrow();
  });
});

describe('presigned requests (signed locally with fake credentials, no network)', () => {
  const env = {
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    AWS_REGION: 'eu-west-1',
    IMAGES_BUCKET: 'helpdesk-images-test',
  };
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [name, value] of Object.entries({
      ...env,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
    })) {
      saved[name] = process.env[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const ticketId = '01JDQ8Z3M4N5P6Q7R8S9T0V1W2';
  const imageId = '01JDQ9A1B2C3D4E5F6G7H8J9K0';
  const key = `tickets/${ticketId}/images/${imageId}`;

  it('limits the POST policy to the key, the declared type, 1 byte to 10 MiB, and a few minutes', async () => {
    const before = Date.now();
    const upload = await createImageUpload({ ticketId, imageId, contentType: 'image/png' });
    const policy = decodePostPolicy(upload.fields);

    expect(policy.conditions).toContainEqual(['content-length-range', 1, 10_485_760]);
    expect(policy.conditions).toContainEqual(['eq', '$Content-Type', 'image/png']);
    expect(policy.conditions).toContainEqual(['eq', '$key', key]);
    expect(policy.conditions).toContainEqual({ key });
    expect(policy.conditions).toContainEqual({ bucket: env.IMAGES_BUCKET });
    // No condition loosens the key or the type.
    expect(policy.conditions.filter((c) => Array.isArray(c) && c[0] === 'starts-with')).toEqual([]);
    for (const condition of policy.conditions) {
      if (!Array.isArray(condition) && 'Content-Type' in condition)
        expect(condition['Content-Type']).toBe('image/png');
    }

    const expiresAt = Date.parse(policy.expiration);
    expect(expiresAt).toBeGreaterThan(before);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + UPLOAD_EXPIRES_SECONDS * 1000);
    expect(expiresAt).toBeGreaterThanOrEqual(
      Math.floor(before / 1000) * 1000 + (UPLOAD_EXPIRES_SECONDS - 2) * 1000,
    );
    expect(UPLOAD_EXPIRES_SECONDS).toBeLessThanOrEqual(15 * 60);
    expect(upload.expiresAt).toBe(policy.expiration);

    expect(upload.fields).toMatchObject({
      key,
      'Content-Type': 'image/png',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    });
    expect(upload.fields['X-Amz-Credential']).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request$/);
    expect(upload.url).toContain(env.IMAGES_BUCKET);
  });

  it('signs the policy with the function credentials (SigV4 for POST)', async () => {
    const { fields } = await createImageUpload({ ticketId, imageId, contentType: 'image/webp' });
    const date = fields['X-Amz-Date']?.slice(0, 8) ?? '';
    const hmac = (k: string | Buffer, data: string) => createHmac('sha256', k).update(data).digest();
    let signingKey = hmac(`AWS4${env.AWS_SECRET_ACCESS_KEY}`, date);
    for (const part of [env.AWS_REGION, 's3', 'aws4_request']) signingKey = hmac(signingKey, part);
    expect(fields['X-Amz-Signature']).toBe(
      createHmac('sha256', signingKey)
        .update(fields.Policy ?? '')
        .digest('hex'),
    );
  });

  it('answers a presigned POST its documented schema (PresignedPost) accepts', async () => {
    const upload = await createImageUpload({ ticketId, imageId, contentType: 'image/gif' });
    expect(documentErrors(PresignedPostView, 'output', upload)).toEqual([]);
    // Without a session token: every field but X-Amz-Security-Token.
    expect(Object.keys(upload.fields).sort()).toEqual(
      [
        'Content-Type',
        'Policy',
        'X-Amz-Algorithm',
        'X-Amz-Credential',
        'X-Amz-Date',
        'X-Amz-Signature',
        'bucket',
        'key',
      ].sort(),
    );
    // The document bounds the fields: one more than the nine S3 may need is refused.
    const tenFields = { ...upload.fields, 'X-Amz-Security-Token': 'token', extra: 'x' };
    expect(documentErrors(PresignedPostView, 'output', { ...upload, fields: tenFields })).not.toEqual([]);
  });

  it('shows only ready images of an allowed type with a size, oldest first, as documented (TicketImage)', async () => {
    const item = (imageId: string, changes: Partial<ImageItem>): ImageItem => ({
      ticketId,
      imageId,
      objectKey: `tickets/${ticketId}/images/${imageId}`,
      status: 'ready',
      declaredContentType: 'image/png',
      contentType: 'image/png',
      size: 67,
      uploaderId: 'req-1',
      createdAt: '2026-12-01T09:30:00.000Z',
      ...changes,
    });
    const views = await imageViews([
      item('01JDQ9A1B2C3D4E5F6G7H8J9K2', { fileName: 'later.jpg', contentType: 'image/jpeg' }),
      item('01JDQ9A1B2C3D4E5F6G7H8J9K1', {}),
      item('01JDQ9A1B2C3D4E5F6G7H8J9K3', { status: 'pending', contentType: undefined, size: undefined }),
      item('01JDQ9A1B2C3D4E5F6G7H8J9K4', { status: 'rejected', rejectionReason: 'The file is empty.' }),
      item('01JDQ9A1B2C3D4E5F6G7H8J9K5', { contentType: 'application/pdf' }),
      item('01JDQ9A1B2C3D4E5F6G7H8J9K6', { size: undefined }),
      // Ready without a type found from the bytes: the declared type is never what a URL serves.
      item('01JDQ9A1B2C3D4E5F6G7H8J9K7', { contentType: undefined }),
    ]);
    expect(views.map((view) => [view.imageId, view.contentType, view.fileName])).toEqual([
      ['01JDQ9A1B2C3D4E5F6G7H8J9K1', 'image/png', undefined],
      ['01JDQ9A1B2C3D4E5F6G7H8J9K2', 'image/jpeg', 'later.jpg'],
    ]);
    for (const view of views) expect(documentErrors(ImageView, 'output', view)).toEqual([]);
    expect(Object.keys(views[0] ?? {})).not.toContain('fileName');
  });

  it('decodePostPolicy refuses fields without a policy', () => {
    expect(() => decodePostPolicy({})).toThrow(/no Policy/);
    expect(() => decodePostPolicy({ Policy: Buffer.from('{"a":1}').toString('base64') })).toThrow();
  });

  it('presigns short-lived GET URLs that serve the verified type inline', async () => {
    const { url, expiresAt } = await presignedImageUrl(key, {
      contentType: 'image/jpeg',
      fileName: 'Ünïcode "x".jpg',
    });
    const parsed = new URL(url);
    expect(parsed.pathname).toContain(key);
    expect(parsed.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(parsed.searchParams.get('response-content-type')).toBe('image/jpeg');
    expect(parsed.searchParams.get('response-content-disposition')).toBe(
      `inline; filename="_n_code _x_.jpg"; filename*=UTF-8''%C3%9Cn%C3%AFcode%20%22x%22.jpg`,
    );
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
  });

  it('names the file in Content-Disposition only when it has a name', () => {
    expect(inlineDisposition(undefined)).toBe('inline');
    expect(inlineDisposition("it's (1).png")).toBe(
      `inline; filename="it's (1).png"; filename*=UTF-8''it%27s%20%281%29.png`,
    );
  });
});

describe('CreateImageUploadBody', () => {
  it('takes a content type, and optionally a file name and a size', () => {
    expect(
      CreateImageUploadBody.parse({ contentType: ' Image/PNG ', fileName: ' cat.png ', size: 67 }),
    ).toEqual({
      contentType: 'image/png',
      fileName: 'cat.png',
      size: 67,
    });
    expect(CreateImageUploadBody.parse({ contentType: 'image/heic' })).toEqual({ contentType: 'image/heic' });
  });

  it('refuses unknown fields, control characters, long names and sizes that are not positive integers', () => {
    for (const body of [
      {},
      { contentType: 'image/png', key: 'tickets/other/images/x' },
      { contentType: 'image/png', fileName: 'a\u0000b.png' },
      { contentType: 'image/png', fileName: 'line\nbreak.png' },
      { contentType: 'image/png', fileName: 'x'.repeat(256) },
      { contentType: 'image/png', fileName: '   ' },
      { contentType: 'image/png', size: 0 },
      { contentType: 'image/png', size: 1.5 },
      { contentType: 'image/png', size: '67' },
    ]) {
      expect(CreateImageUploadBody.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });

  it('has its rules in the document: what the schema refuses, the JSON Schema refuses too', () => {
    const bodies: [unknown, boolean][] = [
      [{ contentType: 'image/png', fileName: 'cat.png', size: 67 }, true],
      // Over 10 MiB is valid by the schema: the route answers 413, not 400.
      [{ contentType: 'image/png', size: 11 * 1024 * 1024 }, true],
      // Not an allowed type is valid by the schema: the route answers 415, not 400.
      [{ contentType: 'application/pdf' }, true],
      [{ contentType: 'image/png', fileName: 'Ünïcode "x" (1).png' }, true],
      [{}, false],
      [{ contentType: '' }, false],
      [{ contentType: '   ' }, false],
      [{ contentType: 'x'.repeat(256) }, false],
      [{ contentType: 'image/png', fileName: '' }, false],
      [{ contentType: 'image/png', fileName: '   ' }, false],
      [{ contentType: 'image/png', fileName: 'a\u0000b.png' }, false],
      [{ contentType: 'image/png', fileName: 'tab\tin.png' }, false],
      [{ contentType: 'image/png', fileName: 'x'.repeat(256) }, false],
      [{ contentType: 'image/png', size: 0 }, false],
      [{ contentType: 'image/png', size: -5 }, false],
      [{ contentType: 'image/png', size: 1.5 }, false],
      [{ contentType: 'image/png', size: 6 * 1024 ** 4 }, false],
      [{ contentType: 'image/png', extra: true }, false],
    ];
    for (const [body, valid] of bodies) {
      const where = JSON.stringify(body);
      expect([where, CreateImageUploadBody.safeParse(body).success]).toEqual([where, valid]);
      expect([where, documentErrors(CreateImageUploadBody, 'input', body).length === 0]).toEqual([
        where,
        valid,
      ]);
    }
  });
});
