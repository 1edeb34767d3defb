/**
 * The object-created check of an uploaded image (PRODUCT "Images": good images become visible on the ticket,
 * bad ones are deleted and marked rejected).
 *
 * S3 delivers event notifications at least once and a presigned POST can be replayed until it expires, so the
 * check does not trust the event: it reads the object as it is now and the image item as it is now, and moves
 * the item with a condition on the status it read. Running it twice for the same bytes changes nothing; running
 * it after an overwrite re-checks the new bytes. A status that changed under it makes it start over.
 *
 * The S3 and DynamoDB calls sit behind two small ports so the decisions are unit-tested with in-memory fakes
 * (`test/unit/images-check.test.ts`); {@link awsImagePorts} are the real ones.
 */
import { type ImageItem, imageKey } from '#shared/images/image.entity.ts';
import { s3ImageObjects } from '#shared/images/image-objects.ts';
import { type ImageObjectRef, imageObjectKey } from '#shared/images/object-key.ts';
import {
  INSPECTED_BYTES,
  inspectImageBytes,
  MAX_IMAGE_BYTES,
  pendingImageExpired,
} from '#shared/images/rules.ts';
import {
  attributesEqual,
  both,
  deleteItem,
  getItem,
  itemExists,
  transactWrite,
  type Update,
  updateItem,
} from '#shared/platform/db.ts';
import { ticketKey } from '#shared/tickets/ticket.entity.ts';

/** An object's size and version, from HeadObject. */
export interface StoredObject {
  /** Bytes. */
  readonly size: number;
  readonly eTag?: string | undefined;
}

/** The image objects in S3. */
export interface ImageObjectStore {
  /** The object's size and ETag, or `undefined` when there is no such object. */
  head(key: string): Promise<StoredObject | undefined>;
  /**
   * The first `length` bytes of the object, or `undefined` when it is gone or no longer has `eTag` (it was
   * overwritten since {@link head}).
   */
  readStart(key: string, length: number, eTag: string | undefined): Promise<Uint8Array | undefined>;
  /** Delete the object; deleting a missing object succeeds. */
  delete(key: string): Promise<void>;
}

type CheckedStatus = 'pending' | 'ready';

/** The image items in DynamoDB. */
export interface ImageRecords {
  /** The item, read strongly consistent (it was written just before the upload URL was handed out). */
  get(ref: ImageObjectRef): Promise<ImageItem | undefined>;
  /** Mark the image ready, if its status is still `expected`. @returns false when the status had changed */
  markReady(
    ref: ImageObjectRef,
    found: { readonly contentType: string; readonly size: number },
    expected: CheckedStatus,
  ): Promise<boolean>;
  /** Mark the image rejected, if its status is still `expected`. @returns false when the status had changed */
  markRejected(ref: ImageObjectRef, reason: string, size: number, expected: CheckedStatus): Promise<boolean>;
  /**
   * Mark the image `deleting` (hidden from every read) and give its places in the ticket's counters back, if its
   * status is still the one read. @returns false when the status had changed
   */
  retire(image: ImageItem): Promise<boolean>;
  /** Delete the image item (after its object); deleting a missing item succeeds. */
  remove(ref: ImageObjectRef): Promise<void>;
}

export interface ImageCheckPorts {
  readonly objects: ImageObjectStore;
  readonly records: ImageRecords;
}

/**
 * What the check did:
 * - `ready`: the bytes are an allowed image; the item is now `ready` (or its size/type were corrected).
 * - `rejected`: the bytes are not acceptable; the item is now `rejected` and the object deleted.
 * - `unchanged`: the item is already `ready` with these very facts (a redelivered event).
 * - `orphan-deleted`: no image item exists for the key (never requested, or its ticket was deleted); the object
 *   was deleted.
 * - `rejected-object-deleted`: the image was rejected before; whatever was uploaded again was deleted.
 * - `deleted-object-deleted`: the image is being deleted (`DELETE`, or superseded by a replacement): its key is
 *   never accepted again, the object was deleted.
 * - `expired-deleted`: the image is a pending one past its `expiresAt` (never uploaded in time; the TTL may not
 *   have deleted its item yet): its key is never accepted again, the object was deleted.
 * - `object-missing`: there is no object any more (deleted after the event); nothing to check.
 */
export type ImageCheckOutcome =
  | 'ready'
  | 'rejected'
  | 'unchanged'
  | 'orphan-deleted'
  | 'rejected-object-deleted'
  | 'deleted-object-deleted'
  | 'expired-deleted'
  | 'object-missing';

/** How often the check starts over when the item's status changed under it, before it gives up. */
const MAX_ATTEMPTS = 3;

/** Thrown when the image kept changing under the check; the event is retried. */
export class ImageCheckConflict extends Error {
  override readonly name = 'ImageCheckConflict';
}

/**
 * Check the uploaded object of one image and record the verdict.
 * @param ref the ids parsed from the object key
 * @throws ImageCheckConflict when the item's status kept changing; S3 or DynamoDB errors as they are, so that
 *   the asynchronous invocation is retried
 */
export async function checkUploadedImage(
  ref: ImageObjectRef,
  ports: ImageCheckPorts = awsImagePorts(),
): Promise<ImageCheckOutcome> {
  const { objects, records } = ports;
  const key = imageObjectKey(ref.ticketId, ref.imageId);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const image = await records.get(ref);
    if (!image) {
      await objects.delete(key);
      return 'orphan-deleted';
    }
    if (image.status === 'rejected') {
      await objects.delete(key);
      return 'rejected-object-deleted';
    }
    if (image.status === 'deleting') {
      await objects.delete(key);
      return 'deleted-object-deleted';
    }
    if (pendingImageExpired(image, Math.floor(Date.now() / 1000))) {
      await objects.delete(key);
      return 'expired-deleted';
    }
    const object = await objects.head(key);
    if (!object) return 'object-missing';

    let head: Uint8Array = new Uint8Array();
    if (object.size > 0 && object.size <= MAX_IMAGE_BYTES) {
      const read = await objects.readStart(key, Math.min(object.size, INSPECTED_BYTES), object.eTag);
      if (!read) continue; // overwritten or deleted since the HeadObject: look again
      head = read;
    }
    const verdict = await inspectImageBytes(head, object.size, image.declaredContentType);

    if (verdict.ok) {
      if (
        image.status === 'ready' &&
        image.contentType === verdict.contentType &&
        image.size === object.size
      ) {
        // A redelivered event finishes what a failed first run of a replacement left undone.
        if (image.replaces) await removeReplaced(ref, image.replaces, ports);
        return 'unchanged';
      }
      const found = { contentType: verdict.contentType, size: object.size };
      if (await records.markReady(ref, found, image.status)) {
        if (image.replaces) await removeReplaced(ref, image.replaces, ports);
        return 'ready';
      }
    } else {
      if (await records.markRejected(ref, verdict.reason, object.size, image.status)) {
        await objects.delete(key);
        return 'rejected';
      }
    }
  }
  throw new ImageCheckConflict(`Image ${ref.ticketId}/${ref.imageId} kept changing during its check.`);
}

/**
 * Remove an image: mark it `deleting` in DynamoDB (conditioned on the status read; its places in the ticket's
 * counters given back in the same transaction), then delete its object, then its item. In this order because the
 * first write is the one that can be refused (a concurrent check or delete): once it holds, the image is hidden
 * from every read, any upload to its key is deleted by the check (`deleted-object-deleted`), and what is left
 * when S3 or the last DynamoDB write fails is a hidden `deleting` item that the next attempt finishes (a retried
 * `DELETE`, or the redelivered S3 event of a replacement); deleting the ticket removes both in any case. Deleting
 * the object first would instead show a ready image whose URL fails, if the DynamoDB write then failed.
 * @param image the item as read; one already `deleting` is only finished
 * @returns false when the image's status changed since it was read (read it again and decide anew)
 * @throws S3 or DynamoDB errors as they are
 */
export async function removeImage(image: ImageItem, ports: ImageCheckPorts): Promise<boolean> {
  if (image.status !== 'deleting' && !(await ports.records.retire(image))) return false;
  await ports.objects.delete(imageObjectKey(image.ticketId, image.imageId));
  await ports.records.remove(image);
  return true;
}

/**
 * A replacement passed the check: remove the image it supersedes (any status: gone already is fine). Runs after
 * the replacement is marked ready, so the ticket never shows neither of them.
 * @throws ImageCheckConflict when the replaced image kept changing
 */
async function removeReplaced(ref: ImageObjectRef, replaced: string, ports: ImageCheckPorts): Promise<void> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const old = await ports.records.get({ ticketId: ref.ticketId, imageId: replaced });
    if (!old || (await removeImage(old, ports))) return;
  }
  throw new ImageCheckConflict(
    `Image ${ref.ticketId}/${replaced} kept changing while it was being replaced.`,
  );
}

/**
 * The real ports: S3 (`IMAGES_BUCKET`, `shared/images/image-objects.ts`) and the table.
 *
 * A verdict on a `pending` image is one transaction: the image item (its status, and `REMOVE expiresAt`: a
 * checked image never expires) and the ticket item's `pendingImageCount` less one (`shared/images/operations.ts`;
 * `imageCount` keeps the place, ready or rejected). When the ticket is gone (deleted; its cleanup removes the
 * images), the image item alone is updated. A verdict on a `ready` image (uploaded again) touches no counter.
 */
export function awsImagePorts(): ImageCheckPorts {
  const objects = s3ImageObjects();
  const stillIs = (expected: CheckedStatus) => both(itemExists, attributesEqual({ status: expected }));
  /** @returns false when the image's status was no longer `expected` */
  async function record(ref: ImageObjectRef, changes: Update, expected: CheckedStatus): Promise<boolean> {
    const key = imageKey(ref.ticketId, ref.imageId);
    if (expected === 'pending') {
      const result = await transactWrite([
        { update: key, changes, condition: stillIs(expected) },
        {
          update: ticketKey(ref.ticketId),
          changes: { add: { pendingImageCount: -1 } },
          condition: itemExists,
        },
      ]);
      if (result.ok) return true;
      if (result.reasons[0] === 'ConditionalCheckFailed') return false;
      if (result.reasons[1] !== 'ConditionalCheckFailed') {
        throw new Error(`Image ${ref.ticketId}/${ref.imageId} not recorded: ${result.reasons.join(', ')}`);
      }
    }
    return (await updateItem(key, changes, { condition: stillIs(expected) })) !== false;
  }
  const records: ImageRecords = {
    get: (ref) => getItem<ImageItem>(imageKey(ref.ticketId, ref.imageId), { consistent: true }),
    markReady: (ref, found, expected) =>
      record(
        ref,
        { set: { status: 'ready', contentType: found.contentType, size: found.size, expiresAt: undefined } },
        expected,
      ),
    markRejected: (ref, reason, size, expected) =>
      record(
        ref,
        { set: { status: 'rejected', rejectionReason: reason, size, expiresAt: undefined } },
        expected,
      ),
    async retire(image) {
      const key = imageKey(image.ticketId, image.imageId);
      const changes: Update = { set: { status: 'deleting', expiresAt: undefined } };
      const condition = both(itemExists, attributesEqual({ status: image.status }));
      // Every image but a `deleting` one holds a place in `imageCount`; a pending one also in `pendingImageCount`.
      const add: Record<string, number> =
        image.status === 'pending' ? { imageCount: -1, pendingImageCount: -1 } : { imageCount: -1 };
      for (let attempt = 1; ; attempt++) {
        const result = await transactWrite([
          { update: key, changes, condition },
          { update: ticketKey(image.ticketId), changes: { add }, condition: itemExists },
        ]);
        if (result.ok) return true;
        if (result.reasons[0] === 'ConditionalCheckFailed') return false;
        // The ticket is gone (deleted; its cleanup removes the images): the image item alone.
        if (result.reasons[1] === 'ConditionalCheckFailed') {
          return (await updateItem(key, changes, { condition })) !== false;
        }
        if (attempt >= MAX_ATTEMPTS) {
          throw new Error(
            `Image ${image.ticketId}/${image.imageId} not retired: ${result.reasons.join(', ')}`,
          );
        }
      }
    },
    remove: (ref) => deleteItem(imageKey(ref.ticketId, ref.imageId)),
  };
  return { objects, records };
}
