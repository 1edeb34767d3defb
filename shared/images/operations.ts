/**
 * Image operations: plain values in, domain errors out (see `shared/tickets/operations.ts`).
 */
import { ulid } from 'ulid';
import { awsImagePorts, removeImage } from '#shared/images/check-upload.ts';
import { ImageNotFound } from '#shared/images/errors.ts';
import { type ImageItem, imageKey, imagePrefix, imageRecord } from '#shared/images/image.entity.ts';
import { imageObjectKey } from '#shared/images/object-key.ts';
import { checkImageChange, type ImageChange } from '#shared/images/policy.ts';
import { createImageUpload, type ImageUpload } from '#shared/images/presign.ts';
import {
  allowedImageTypes,
  type ImageContentType,
  isAllowedImageType,
  MAX_IMAGE_BYTES,
  MAX_IMAGES_PER_TICKET,
  MAX_PENDING_IMAGES_PER_TICKET,
  PENDING_IMAGE_TTL_SECONDS,
  pendingImageExpired,
  statusesWithoutImages,
  ticketAcceptsImages,
} from '#shared/images/rules.ts';
import type { CreateImageUploadBody } from '#shared/images/schemas.ts';
import {
  attributesEqual,
  both,
  type Condition,
  getItem,
  itemExists,
  itemIsNew,
  queryPage,
  type TransactionWrite,
  transactWrite,
  updateItem,
} from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { Conflict, NotAllowed, TooLarge, UnsupportedType } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { TicketNotFound } from '#shared/tickets/errors.ts';
import type { TicketStatus } from '#shared/tickets/lifecycle.ts';
import { findVisibleTicket } from '#shared/tickets/operations.ts';
import { type TicketItem, ticketKey } from '#shared/tickets/ticket.entity.ts';

/** An image just recorded: its upload is yet to come. */
export type PendingImage = ImageItem & { readonly status: 'pending' };

/**
 * Ask for an image upload on a ticket the actor can see: check the ticket takes images and the declared type and
 * size, then record a pending image and sign its presigned POST.
 * @param ticket the ticket as read by `findVisibleTicket`
 * @throws Conflict (a closed or canceled ticket, with `ticketStatus` and `statusesWithoutImages`);
 *   UnsupportedType (not an allowed image type, with `allowed`); TooLarge (declared size over the limit, with
 *   `maxBytes`)
 */
export async function requestImageUpload(
  actor: Actor,
  ticket: TicketItem,
  input: CreateImageUploadBody,
): Promise<{ image: PendingImage; upload: ImageUpload }> {
  if (!ticketAcceptsImages(ticket.status)) throw closedTicket(ticket.status);
  const contentType = declaredImageType(input);
  const { fileName, caption } = input;
  return startImageUpload({
    ticketId: ticket.ticketId,
    uploaderId: actor.userId,
    contentType,
    fileName,
    caption,
  });
}

/**
 * The declared type, when it is an allowed image type and the declared size is within the limit.
 * @throws UnsupportedType (with `allowed`); TooLarge (with `maxBytes`)
 */
function declaredImageType(input: CreateImageUploadBody): ImageContentType {
  const { contentType, size } = input;
  if (!isAllowedImageType(contentType)) {
    throw new UnsupportedType(`Images must be one of ${allowedImageTypes.join(', ')}.`, {
      allowed: allowedImageTypes,
    });
  }
  if (size !== undefined && size > MAX_IMAGE_BYTES) {
    throw new TooLarge(`Images may have at most ${MAX_IMAGE_BYTES} bytes.`, { maxBytes: MAX_IMAGE_BYTES });
  }
  return contentType;
}

/**
 * An image of a ticket the actor can see. Both reads in parallel, the image strongly consistent (it may have been
 * requested or changed a moment ago); the ticket's visibility is decided first, so an id on a ticket the actor
 * cannot see is the ticket's 404 whatever the image.
 * @param options.deleting also answer an image being deleted (`DELETE` finishes one whose first attempt failed)
 * @throws TicketNotFound (as `findVisibleTicket`); ImageNotFound (no such image on this ticket, one being
 *   deleted, or a requested image never uploaded in time)
 */
export async function findVisibleImage(
  actor: Actor,
  ticketId: string,
  imageId: string,
  options: { readonly deleting?: boolean } = {},
): Promise<{ ticket: TicketItem; image: ImageItem }> {
  const [ticket, image] = await Promise.all([
    findVisibleTicket(actor, ticketId),
    getItem<ImageItem>(imageKey(ticketId, imageId), { consistent: true }),
  ]);
  if (
    !image ||
    (image.status === 'deleting' && !options.deleting) ||
    pendingImageExpired(image, epochSeconds(Date.now()))
  ) {
    throw new ImageNotFound();
  }
  return { ticket, image };
}

/** @throws NotAllowed (not the uploader, no `canEditAll`); Conflict (a closed or canceled ticket) */
function assertImageChange(actor: Actor, ticket: TicketItem, image: ImageItem, change: ImageChange): void {
  const check = checkImageChange(actor, image, ticket.status, change);
  if (check.ok) return;
  if (check.refusal === 'not-allowed') throw new NotAllowed(check.reason);
  throw new Conflict(check.reason, { ticketStatus: ticket.status, statusesWithoutImages });
}

/**
 * Delete an image: its uploader, or `canEditAll` (`checkImageChange`; on a closed or canceled ticket only
 * `canDeleteAll`). The item is marked `deleting` in a conditional transaction that gives its places in the
 * ticket's counters back, then the object is deleted, then the item (`removeImage`: why this order). An image
 * already `deleting` (an earlier attempt failed after its first write) is finished. Deleting a pending image also
 * voids its presigned POST: an upload to its key is deleted by the check.
 * @param image as read by {@link findVisibleImage} with `deleting`
 * @throws NotAllowed; Conflict (a frozen ticket, or an image that kept changing); S3 or DynamoDB errors (500: the
 *   image is hidden already, and a retried `DELETE` finishes it)
 */
export async function deleteImage(actor: Actor, ticket: TicketItem, image: ImageItem): Promise<void> {
  assertImageChange(actor, ticket, image, 'delete');
  const ports = awsImagePorts();
  let current: ImageItem | undefined = image;
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    if (await removeImage(current, ports)) return;
    // Its status changed since the read (an upload check, another delete): decide again on what it is now.
    current = await ports.records.get(image);
    if (!current) return;
  }
  throw new Conflict('The image kept changing at the same time; retry.');
}

/**
 * Ask for a replacement of a ready image: a new pending image that `replaces` it, with its own presigned POST
 * (the same rules, caps and expiry as any upload request: {@link startImageUpload}). The replaced image stays as
 * it is until the replacement's bytes pass the object-created check, which then removes it (`check-upload.ts`);
 * a rejected or never uploaded replacement leaves it in place. The caption carries over unless one is given.
 * @throws NotAllowed; Conflict (a frozen ticket; an image that is not `ready`, with `imageStatus`; a full ticket);
 *   UnsupportedType; TooLarge
 */
export async function requestImageReplacement(
  actor: Actor,
  ticket: TicketItem,
  image: ImageItem,
  input: CreateImageUploadBody,
): Promise<{ image: PendingImage; upload: ImageUpload }> {
  assertImageChange(actor, ticket, image, 'replace');
  if (image.status !== 'ready') {
    throw new Conflict(
      `Only an image that passed the upload check can be replaced; this one is ${image.status}.`,
      {
        imageStatus: image.status,
      },
    );
  }
  const contentType = declaredImageType(input);
  return startImageUpload({
    ticketId: ticket.ticketId,
    uploaderId: actor.userId,
    contentType,
    fileName: input.fileName,
    caption: input.caption ?? image.caption,
    replaces: image.imageId,
  });
}

/**
 * Set or remove (`null`) an image's caption: its uploader, or `canEditAll`; any status but `deleting` (a pending
 * image's caption shows once it is ready). One UpdateItem conditioned on the image not being deleted meanwhile.
 * @returns the image as it is now
 * @throws NotAllowed; Conflict (a frozen ticket); ImageNotFound (deleted meanwhile)
 */
export async function captionImage(
  actor: Actor,
  ticket: TicketItem,
  image: ImageItem,
  caption: string | null,
): Promise<ImageItem> {
  assertImageChange(actor, ticket, image, 'caption');
  const updated = await updateItem<ImageItem>(
    imageKey(ticket.ticketId, image.imageId),
    { set: { caption: caption ?? undefined } },
    {
      condition: both(itemExists, {
        expression: '#captionStatus <> :deleting',
        names: { '#captionStatus': 'status' },
        values: { ':deleting': 'deleting' },
      }),
      returnNew: true,
    },
  );
  if (!updated) throw new ImageNotFound();
  return updated;
}

/**
 * Record a `pending` image of a ticket and sign its upload. The POST is signed first: a failure to sign leaves
 * no item behind. The item exists before the client can upload, so the object-created check always finds it.
 *
 * Caps (issue 9, OWASP API4): one transaction puts the image item (with `expiresAt`, its TTL:
 * `PENDING_IMAGE_TTL_SECONDS` from now) and adds one to the ticket item's `imageCount` and `pendingImageCount`,
 * on the conditions that the ticket exists, is not closed or canceled, and both counters are under their caps
 * (`MAX_IMAGES_PER_TICKET`, `MAX_PENDING_IMAGES_PER_TICKET`): no count query, and two requests at once can never
 * both take the last place. The object-created check gives the pending place back (`check-upload.ts`).
 * An image that expired unuploaded still holds its places in the counters: when a cap refuses, the counters are
 * recounted from the ticket's image items ({@link recountImages}: a bounded Query on the ticket's partition,
 * expired pending images left out) and the request is tried once more; only then is it a 409.
 * @throws Conflict (a closed or canceled ticket, with `ticketStatus` and `statusesWithoutImages`; a full ticket,
 *   with `maxImages` and `maxPendingImages`); TicketNotFound (deleted at the same time); Error when signing fails
 *   or the table cannot be written (the route answers 500)
 */
export async function startImageUpload(input: {
  readonly ticketId: string;
  readonly uploaderId: string;
  readonly contentType: ImageContentType;
  readonly fileName?: string | undefined;
  readonly caption?: string | undefined;
  /** The image this one replaces once its bytes pass the check. */
  readonly replaces?: string | undefined;
}): Promise<{ image: PendingImage; upload: ImageUpload }> {
  const imageId = ulid();
  const upload = await createImageUpload({
    ticketId: input.ticketId,
    imageId,
    contentType: input.contentType,
  });
  const createdAt = nowIso();
  const image: PendingImage = {
    ticketId: input.ticketId,
    imageId,
    objectKey: imageObjectKey(input.ticketId, imageId),
    status: 'pending',
    declaredContentType: input.contentType,
    fileName: input.fileName,
    caption: input.caption,
    replaces: input.replaces,
    uploaderId: input.uploaderId,
    createdAt,
    expiresAt: epochSeconds(Date.parse(createdAt)) + PENDING_IMAGE_TTL_SECONDS,
  };
  const writes: TransactionWrite[] = [
    { put: imageRecord(image), condition: itemIsNew },
    {
      update: ticketKey(input.ticketId),
      changes: { add: { imageCount: 1, pendingImageCount: 1 } },
      condition: both(
        ticketTakesImages(),
        both(
          counterUnder('imageCount', MAX_IMAGES_PER_TICKET),
          counterUnder('pendingImageCount', MAX_PENDING_IMAGES_PER_TICKET),
        ),
      ),
    },
  ];
  let recounted = false;
  for (let attempt = 1; ; attempt++) {
    const result = await transactWrite(writes);
    if (result.ok) return { image, upload };
    if (result.reasons[1] === 'ConditionalCheckFailed') {
      const ticket = await getItem<TicketItem & ImageCounters>(ticketKey(input.ticketId), {
        consistent: true,
      });
      if (!ticket) throw new TicketNotFound();
      if (!ticketAcceptsImages(ticket.status)) throw closedTicket(ticket.status);
      if (recounted) throw fullTicket();
      await recountImages(input.ticketId, ticket);
      recounted = true;
      continue;
    }
    if (!result.reasons.includes('TransactionConflict') || attempt >= WRITE_ATTEMPTS) {
      throw new Conflict('The ticket kept changing at the same time; retry.');
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));
  }
}

/** The image counters of a ticket item; absent until its first image. */
export interface ImageCounters {
  readonly imageCount?: number | undefined;
  readonly pendingImageCount?: number | undefined;
}

/** How often an image request's transaction is tried when other transactions on the ticket item cancel it. */
const WRITE_ATTEMPTS = 5;

/** Most image items {@link recountImages} reads: a ticket holds at most 50 live ones, expired ones await TTL. */
const RECOUNT_MAX_ITEMS = 1000;

/** Epoch seconds of a time in milliseconds. */
const epochSeconds = (ms: number) => Math.floor(ms / 1000);

/**
 * Set the ticket's image counters to what its image items say: every image item except expired pending ones
 * (`pendingImageExpired`) for `imageCount`, the pending among them for `pendingImageCount`; then delete the
 * expired pending items (their keys are refused by the object-created check either way). A Query on the
 * ticket's partition (`begins_with(sk, 'IMAGE#')`, strongly consistent), pages of 100, at most
 * {@link RECOUNT_MAX_ITEMS} items. The update is conditioned on the counters read before the Query, so a request,
 * an upload check or another recount that changed them meanwhile wins, and the caller simply tries again.
 * @param seen the ticket item as read before the Query, with its counters
 */
export async function recountImages(ticketId: string, seen: ImageCounters): Promise<void> {
  const images: ImageItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await queryPage<ImageItem>({
      partition: { pk: ticketKey(ticketId).pk },
      beginsWith: ['sk', imagePrefix],
      limit: 100,
      startKey,
      consistent: true,
    });
    images.push(...page.items);
    startKey = page.lastKey;
  } while (startKey && images.length < RECOUNT_MAX_ITEMS);
  // Not every item read: leave the counters as they are (they may only be too high, never too low).
  if (startKey) return;
  const now = epochSeconds(Date.now());
  // An image being deleted holds no place: its removal gave it back.
  const live = images.filter((image) => !pendingImageExpired(image, now) && image.status !== 'deleting');
  const expired = images.filter((image) => pendingImageExpired(image, now));
  await updateItem(
    ticketKey(ticketId),
    {
      set: {
        imageCount: live.length,
        pendingImageCount: live.filter((image) => image.status === 'pending').length,
      },
    },
    {
      condition: both(
        itemExists,
        attributesEqual({ imageCount: seen.imageCount ?? 0, pendingImageCount: seen.pendingImageCount ?? 0 }),
      ),
    },
  );
  // The expired ones go now rather than when the TTL gets to them (within days): the partition keeps at most the
  // live images and the few expired since the last recount, well within the 100 image items a ticket read queries.
  // Each delete is conditioned on the item being that expired pending image still; 100 per transaction.
  for (let start = 0; start < expired.length; start += 100) {
    await transactWrite(
      expired.slice(start, start + 100).map((image) => ({
        delete: imageKey(ticketId, image.imageId),
        condition: attributesEqual({ status: 'pending', expiresAt: image.expiresAt }),
      })),
    );
  }
}

/** The ticket exists and is in a status that takes images (`statusesWithoutImages`). */
function ticketTakesImages(): Condition {
  return both(itemExists, {
    expression: `NOT (#imageTicketStatus IN (${statusesWithoutImages.map((_, n) => `:noImages${n}`).join(', ')}))`,
    names: { '#imageTicketStatus': 'status' },
    values: Object.fromEntries(statusesWithoutImages.map((status, n) => [`:noImages${n}`, status])),
  });
}

/** `attribute_not_exists(<counter>) OR <counter> < :cap`, for a counter of the ticket item kept by `ADD`. */
function counterUnder(counter: string, cap: number): Condition {
  const n = counter === 'imageCount' ? 'All' : 'Pending';
  return {
    expression: `attribute_not_exists(#count${n}) OR #count${n} < :cap${n}`,
    names: { [`#count${n}`]: counter },
    values: { [`:cap${n}`]: cap },
  };
}

const closedTicket = (status: TicketStatus) =>
  new Conflict(`A ${status} ticket takes no more images.`, { ticketStatus: status, statusesWithoutImages });

const fullTicket = () =>
  new Conflict(
    `A ticket takes at most ${MAX_IMAGES_PER_TICKET} images, and at most ${MAX_PENDING_IMAGES_PER_TICKET} ` +
      'requested and not uploaded yet; upload the pending ones (or wait until they expire) and try again.',
    { maxImages: MAX_IMAGES_PER_TICKET, maxPendingImages: MAX_PENDING_IMAGES_PER_TICKET },
  );
