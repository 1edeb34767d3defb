/**
 * The object-created check's decisions, with in-memory S3 and DynamoDB fakes: first delivery, redelivery,
 * replayed uploads, orphans, and status changes that race the check.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  awsImagePorts,
  checkUploadedImage,
  ImageCheckConflict,
  type ImageCheckPorts,
  type ImageObjectStore,
  type ImageRecords,
  removeImage,
} from '#shared/images/check-upload.ts';
import type { ImageItem } from '#shared/images/image.entity.ts';
import { imageObjectKey } from '#shared/images/object-key.ts';
import { INSPECTED_BYTES, MAX_IMAGE_BYTES } from '#shared/images/rules.ts';

/** The table behind {@link awsImagePorts}: the transactions' answers, and what was written. */
const table = vi.hoisted(() => ({
  answers: [] as ({ ok: true } | { ok: false; reasons: string[] })[],
  transactions: [] as { update: unknown; changes: unknown }[][],
  updates: [] as unknown[],
}));
vi.mock('#shared/platform/db.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('#shared/platform/db.ts')>()),
  transactWrite: async (writes: { update: unknown; changes: unknown }[]) => {
    table.transactions.push(writes);
    return table.answers.shift() ?? { ok: true };
  },
  updateItem: async (_key: unknown, changes: unknown) => {
    table.updates.push(changes);
    return undefined;
  },
}));

const png = Uint8Array.from(
  Buffer.from(
    '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
      '1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d2a1ae0000000049454e44ae426082',
    'hex',
  ),
);
const jpeg = Uint8Array.from(Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex'));
const html = new TextEncoder().encode('<html><script>alert(1)</script></html>');

const ref = { ticketId: '01JDQ8Z3M4N5P6Q7R8S9T0V1W2', imageId: '01JDQ9A1B2C3D4E5F6G7H8J9K0' };
const key = imageObjectKey(ref.ticketId, ref.imageId);

/** An S3 bucket in memory; `size` may be faked to exceed what the bytes hold. */
class FakeBucket implements ImageObjectStore {
  readonly objects = new Map<string, { bytes: Uint8Array; size: number; eTag: string }>();
  readonly calls: string[] = [];
  private version = 0;
  /** Runs once between a HeadObject and the ranged GetObject that follows it. */
  beforeRead: (() => void) | undefined;

  put(objectKey: string, bytes: Uint8Array, size = bytes.byteLength) {
    this.objects.set(objectKey, { bytes, size, eTag: `"v${++this.version}"` });
  }
  async head(objectKey: string) {
    this.calls.push('head');
    const object = this.objects.get(objectKey);
    return object && { size: object.size, eTag: object.eTag };
  }
  async readStart(objectKey: string, length: number, eTag: string | undefined) {
    this.calls.push(`read:${length}`);
    const hook = this.beforeRead;
    this.beforeRead = undefined;
    hook?.();
    const object = this.objects.get(objectKey);
    if (!object || object.eTag !== eTag) return undefined;
    return object.bytes.subarray(0, length);
  }
  async delete(objectKey: string) {
    this.calls.push('delete');
    this.objects.delete(objectKey);
  }
}

/** The image items in memory, with the same conditional writes as the table. */
class FakeImages implements ImageRecords {
  item: ImageItem | undefined;
  /** Other images of the ticket (a replaced one), by id. */
  readonly others = new Map<string, ImageItem>();
  /** Fails the next `remove` (a DynamoDB outage after the object was deleted). */
  failRemove = false;
  /** Runs once before the next conditional write (a concurrent writer). */
  beforeWrite: (() => void) | undefined;

  constructor(status: ImageItem['status'] | undefined, declaredContentType = 'image/png') {
    this.item = status && {
      ...ref,
      objectKey: key,
      status,
      declaredContentType,
      uploaderId: 'user-1',
      createdAt: '2026-11-27T10:00:00.000Z',
      updatedAt: '2026-11-27T10:00:00.000Z',
    };
  }
  async get(target: { imageId: string } = ref) {
    if (target.imageId !== ref.imageId) {
      const other = this.others.get(target.imageId);
      return other && { ...other };
    }
    return this.item && { ...this.item };
  }
  async retire(image: ImageItem) {
    if (image.imageId !== ref.imageId) {
      const other = this.others.get(image.imageId);
      if (!other || other.status !== image.status) return false;
      this.others.set(image.imageId, { ...other, status: 'deleting' });
      return true;
    }
    return this.write(image.status, { status: 'deleting' });
  }
  async remove(target: { imageId: string }) {
    if (this.failRemove) {
      this.failRemove = false;
      throw new Error('ProvisionedThroughputExceededException');
    }
    if (target.imageId === ref.imageId) this.item = undefined;
    else this.others.delete(target.imageId);
  }
  private write(expected: string, changes: Partial<ImageItem>) {
    const hook = this.beforeWrite;
    this.beforeWrite = undefined;
    hook?.();
    if (!this.item || this.item.status !== expected) return false;
    this.item = { ...this.item, ...changes };
    return true;
  }
  async markReady(_ref: unknown, found: { contentType: string; size: number }, expected: string) {
    return this.write(expected, { status: 'ready', ...found });
  }
  async markRejected(_ref: unknown, reason: string, size: number, expected: string) {
    return this.write(expected, { status: 'rejected', rejectionReason: reason, size });
  }
}

function setup(status: ImageItem['status'] | undefined, bytes?: Uint8Array, declared?: string) {
  const bucket = new FakeBucket();
  const images = new FakeImages(status, declared);
  if (bytes) bucket.put(key, bytes);
  const ports: ImageCheckPorts = { objects: bucket, records: images };
  return { bucket, images, check: () => checkUploadedImage(ref, ports) };
}

describe('checkUploadedImage', () => {
  it('marks a good upload ready with the detected type and size, and a redelivery changes nothing', async () => {
    const { bucket, images, check } = setup('pending', png);
    expect(await check()).toBe('ready');
    expect(images.item).toMatchObject({ status: 'ready', contentType: 'image/png', size: png.byteLength });
    expect(bucket.objects.has(key)).toBe(true);

    const before = { ...images.item };
    expect(await check()).toBe('unchanged');
    expect(images.item).toEqual(before);
    expect(bucket.calls).not.toContain('delete');
  });

  it('deletes an upload of a pending image past its expiresAt and never marks it ready', async () => {
    const { bucket, images, check } = setup('pending', png);
    const past = Math.floor(Date.now() / 1000) - 1;
    images.item = { ...(images.item as ImageItem), expiresAt: past };
    expect(await check()).toBe('expired-deleted');
    expect(bucket.objects.has(key)).toBe(false);
    expect(images.item).toMatchObject({ status: 'pending', expiresAt: past });
  });

  it('checks a pending image whose expiresAt is still ahead', async () => {
    const { images, check } = setup('pending', png);
    images.item = { ...(images.item as ImageItem), expiresAt: Math.floor(Date.now() / 1000) + 60 };
    expect(await check()).toBe('ready');
  });

  it('reads only the first bytes it needs', async () => {
    const big = new Uint8Array(INSPECTED_BYTES * 3);
    big.set(png);
    const { bucket, check } = setup('pending', big);
    expect(await check()).toBe('ready');
    expect(bucket.calls).toContain(`read:${INSPECTED_BYTES}`);
  });

  it('stores the type the bytes are when the client declared another allowed type', async () => {
    const { images, check } = setup('pending', jpeg, 'image/png');
    expect(await check()).toBe('ready');
    expect(images.item).toMatchObject({
      status: 'ready',
      contentType: 'image/jpeg',
      declaredContentType: 'image/png',
    });
  });

  it('rejects bytes that are not an image: marks rejected with the reason, then deletes the object', async () => {
    const { bucket, images, check } = setup('pending', html);
    expect(await check()).toBe('rejected');
    expect(images.item).toMatchObject({ status: 'rejected', size: html.byteLength });
    expect(images.item?.rejectionReason).toMatch(/not an image/);
    expect(bucket.objects.has(key)).toBe(false);

    // A redelivered event: the image stays rejected, the (already missing) object is deleted again.
    expect(await check()).toBe('rejected-object-deleted');
    expect(images.item?.status).toBe('rejected');
  });

  it('rejects an object over the limit without reading it', async () => {
    const { bucket, images, check } = setup('pending');
    bucket.put(key, png, MAX_IMAGE_BYTES + 1);
    expect(await check()).toBe('rejected');
    expect(images.item?.rejectionReason).toMatch(/at most 10485760 bytes/);
    expect(bucket.calls.filter((call) => call.startsWith('read'))).toEqual([]);
    expect(bucket.objects.has(key)).toBe(false);
  });

  it('rejects an empty object', async () => {
    const { images, check } = setup('pending', new Uint8Array());
    expect(await check()).toBe('rejected');
    expect(images.item?.rejectionReason).toBe('The file is empty.');
  });

  it('deletes an object that has no image item (an orphan)', async () => {
    const { bucket, check } = setup(undefined, png);
    expect(await check()).toBe('orphan-deleted');
    expect(bucket.objects.has(key)).toBe(false);
  });

  it('leaves a pending image alone when its object is already gone', async () => {
    const { images, check } = setup('pending');
    expect(await check()).toBe('object-missing');
    expect(images.item?.status).toBe('pending');
  });

  it('re-checks a ready image overwritten by a replayed upload: bad bytes are rejected and deleted', async () => {
    const { bucket, images, check } = setup('pending', png);
    await check();
    bucket.put(key, html);
    expect(await check()).toBe('rejected');
    expect(images.item?.status).toBe('rejected');
    expect(bucket.objects.has(key)).toBe(false);
  });

  it('re-checks a ready image overwritten by a replayed upload: a good image updates type and size', async () => {
    const { bucket, images, check } = setup('pending', png);
    await check();
    bucket.put(key, jpeg);
    expect(await check()).toBe('ready');
    expect(images.item).toMatchObject({ status: 'ready', contentType: 'image/jpeg', size: jpeg.byteLength });
  });

  it('never revives a rejected image: a new upload to its key is deleted', async () => {
    const { bucket, images, check } = setup('rejected', png);
    expect(await check()).toBe('rejected-object-deleted');
    expect(images.item?.status).toBe('rejected');
    expect(bucket.objects.has(key)).toBe(false);
  });

  it('starts over when the object is overwritten between HeadObject and GetObject', async () => {
    const { bucket, images, check } = setup('pending', png);
    bucket.beforeRead = () => bucket.put(key, html);
    expect(await check()).toBe('rejected');
    expect(images.item?.status).toBe('rejected');
    expect(bucket.calls.filter((call) => call === 'head')).toHaveLength(2);
  });

  it('starts over when another check changed the status first, and keeps the final word on the bytes', async () => {
    // This check read `pending` and good bytes; meanwhile another one rejected the image.
    const { bucket, images, check } = setup('pending', png);
    images.beforeWrite = () => {
      if (images.item) images.item = { ...images.item, status: 'rejected', rejectionReason: 'other check' };
    };
    expect(await check()).toBe('rejected-object-deleted');
    expect(images.item?.status).toBe('rejected');
    expect(bucket.objects.has(key)).toBe(false);
  });

  it('does not mark bad bytes ready when a concurrent check marked the earlier good bytes ready', async () => {
    const { bucket, images, check } = setup('pending', html);
    images.beforeWrite = () => {
      if (images.item) images.item = { ...images.item, status: 'ready', contentType: 'image/png', size: 67 };
    };
    expect(await check()).toBe('rejected');
    expect(images.item?.status).toBe('rejected');
    expect(bucket.objects.has(key)).toBe(false);
  });

  it('gives up with a retryable error when the status keeps changing', async () => {
    const bucket = new FakeBucket();
    bucket.put(key, png);
    const images = new FakeImages('pending');
    images.markReady = async () => false;
    await expect(checkUploadedImage(ref, { objects: bucket, records: images })).rejects.toBeInstanceOf(
      ImageCheckConflict,
    );
  });

  it('lets S3 and DynamoDB errors through so the event is retried', async () => {
    const { bucket, images } = setup('pending', png);
    bucket.head = async () => {
      throw Object.assign(new Error('SlowDown'), { $metadata: { httpStatusCode: 503 } });
    };
    await expect(checkUploadedImage(ref, { objects: bucket, records: images })).rejects.toThrow('SlowDown');
    images.get = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    await expect(checkUploadedImage(ref, { objects: bucket, records: images })).rejects.toThrow(/Throughput/);
  });
});

describe('deleted and replaced images', () => {
  const oldId = '01JDQ9A1B2C3D4E5F6G7H8J9ZZ';
  const oldKey = imageObjectKey(ref.ticketId, oldId);
  const replacing = () => {
    const made = setup('pending');
    if (made.images.item) made.images.item = { ...made.images.item, replaces: oldId };
    made.images.others.set(oldId, {
      ...ref,
      imageId: oldId,
      objectKey: oldKey,
      status: 'ready',
      declaredContentType: 'image/png',
      contentType: 'image/png',
      size: png.byteLength,
      uploaderId: 'user-1',
      createdAt: '2026-11-27T09:00:00.000Z',
    });
    made.bucket.put(oldKey, png);
    return made;
  };

  it('deletes an upload to the key of an image being deleted, and never marks it ready', async () => {
    const { bucket, images, check } = setup('deleting', png);
    expect(await check()).toBe('deleted-object-deleted');
    expect(images.item?.status).toBe('deleting');
    expect(bucket.objects.has(key)).toBe(false);
  });

  it('a replacement that passes the check removes the image it replaces: object, then item', async () => {
    const { bucket, images, check } = replacing();
    bucket.put(key, jpeg);
    expect(await check()).toBe('ready');
    expect(images.item).toMatchObject({ status: 'ready', contentType: 'image/jpeg', replaces: oldId });
    expect(images.others.has(oldId)).toBe(false);
    expect(bucket.objects.has(oldKey)).toBe(false);
    expect(bucket.objects.has(key)).toBe(true);
  });

  it('a rejected replacement leaves the replaced image as it was', async () => {
    const { bucket, images, check } = replacing();
    bucket.put(key, html);
    expect(await check()).toBe('rejected');
    expect(images.others.get(oldId)?.status).toBe('ready');
    expect(bucket.objects.has(oldKey)).toBe(true);
  });

  it('a redelivered event finishes a removal that failed after the replacement was marked ready', async () => {
    const { bucket, images, check } = replacing();
    bucket.put(key, jpeg);
    images.failRemove = true;
    await expect(check()).rejects.toThrow(/Throughput/);
    // Marked ready, the old one hidden (`deleting`) and its object gone, its item left.
    expect(images.item?.status).toBe('ready');
    expect(images.others.get(oldId)?.status).toBe('deleting');
    expect(await check()).toBe('unchanged');
    expect(images.others.has(oldId)).toBe(false);
  });

  it('a replacement of an image deleted meanwhile is simply a new image', async () => {
    const { bucket, images, check } = replacing();
    images.others.delete(oldId);
    bucket.put(key, png);
    expect(await check()).toBe('ready');
    expect(images.item?.status).toBe('ready');
  });
});

describe('removeImage', () => {
  it('marks deleting first, then deletes the object, then the item; a changed status stops it', async () => {
    const { bucket, images } = setup('ready', png);
    const ports = { objects: bucket, records: images };
    const stale = { ...(images.item as ImageItem), status: 'pending' as const };
    expect(await removeImage(stale, ports)).toBe(false);
    expect(bucket.objects.has(key)).toBe(true);
    expect(images.item?.status).toBe('ready');

    images.failRemove = true;
    await expect(removeImage(images.item as ImageItem, ports)).rejects.toThrow(/Throughput/);
    expect(images.item?.status).toBe('deleting');
    expect(bucket.objects.has(key)).toBe(false);
    // A second attempt finishes the `deleting` item.
    expect(await removeImage(images.item as ImageItem, ports)).toBe(true);
    expect(images.item).toBeUndefined();
  });
});

describe('awsImagePorts records a verdict', () => {
  const found = { contentType: 'image/png', size: 67 };
  const ready = { set: { status: 'ready', contentType: 'image/png', size: 67, expiresAt: undefined } };

  it('on a pending image with the ticket’s pending count less one, removing the TTL, in one transaction', async () => {
    table.transactions = [];
    table.updates = [];
    expect(await awsImagePorts().records.markReady(ref, found, 'pending')).toBe(true);
    const [[image, ticket]] = table.transactions as [
      [{ changes: unknown }, { update: unknown; changes: unknown }],
    ];
    expect(image.changes).toEqual(ready);
    expect(ticket).toMatchObject({
      update: { pk: `TICKET#${ref.ticketId}`, sk: 'TICKET' },
      changes: { add: { pendingImageCount: -1 } },
    });
    expect(table.updates).toEqual([]);
  });

  it('on the image alone when the ticket is gone, and not at all when the status changed', async () => {
    table.transactions = [];
    table.updates = [];
    table.answers = [{ ok: false, reasons: ['None', 'ConditionalCheckFailed'] }];
    expect(await awsImagePorts().records.markRejected(ref, 'The file is empty.', 0, 'pending')).toBe(true);
    expect(table.updates).toEqual([
      { set: { status: 'rejected', rejectionReason: 'The file is empty.', size: 0, expiresAt: undefined } },
    ]);
    table.answers = [{ ok: false, reasons: ['ConditionalCheckFailed', 'None'] }];
    expect(await awsImagePorts().records.markReady(ref, found, 'pending')).toBe(false);
    expect(table.updates).toHaveLength(1);
  });

  it('on a ready image (uploaded again) without touching a counter', async () => {
    table.transactions = [];
    table.updates = [];
    expect(await awsImagePorts().records.markReady(ref, found, 'ready')).toBe(true);
    expect(table.transactions).toEqual([]);
    expect(table.updates).toEqual([ready]);
  });
});
