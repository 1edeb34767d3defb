/** The image feature's domain errors. */
import { NotFound } from '#shared/platform/errors.ts';

/**
 * The image does not exist on that ticket, is being deleted, or is a requested image that was never uploaded in
 * time (`pendingImageExpired`): all three read as gone.
 */
export class ImageNotFound extends NotFound {
  override readonly name = 'ImageNotFound';

  constructor() {
    super('The image');
  }
}
