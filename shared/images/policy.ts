/**
 * Who may change an image, from the actor's permission flags and ownership (pure; `test/unit/images.test.ts`).
 * Seeing an image is seeing its ticket (`canSeeTicket`).
 */
import type { ImageItem } from '#shared/images/image.entity.ts';
import { ticketAcceptsImages } from '#shared/images/rules.ts';
import type { Actor } from '#shared/roles/actor.ts';
import type { TicketStatus } from '#shared/tickets/lifecycle.ts';

/** What a change of an image is: its caption, its bytes (a replacement), or the image itself. */
export type ImageChange = 'caption' | 'replace' | 'delete';

export type ImageChangeCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly refusal: 'not-allowed' | 'frozen'; readonly reason: string };

/**
 * Whether the actor may make this change to an image (of a ticket they can see) in `status`:
 * - its uploader, or `canEditAll`; anyone else who sees the ticket is refused (`not-allowed`: 403);
 * - a closed or canceled ticket's images are history (`frozen`: 409), except that `canDeleteAll` may still delete
 *   one (to take out what must not stay, as with comments).
 */
export function checkImageChange(
  actor: Actor,
  image: Pick<ImageItem, 'uploaderId'>,
  status: TicketStatus,
  change: ImageChange,
): ImageChangeCheck {
  if (image.uploaderId !== actor.userId && !actor.permissions.canEditAll) {
    return {
      ok: false,
      refusal: 'not-allowed',
      reason: `Only its uploader may ${verbs[change]} this image.`,
    };
  }
  if (!ticketAcceptsImages(status) && !(change === 'delete' && actor.permissions.canDeleteAll)) {
    return {
      ok: false,
      refusal: 'frozen',
      reason: `The ticket is ${status}; its images can no longer be changed.`,
    };
  }
  return { ok: true };
}

const verbs: Record<ImageChange, string> = {
  caption: 'caption',
  replace: 'replace',
  delete: 'delete',
};
