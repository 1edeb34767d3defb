/**
 * `GET /docs` (public): the API reference page (`shared/platform/docs-page.ts`). Reads no table and fetches
 * nothing: it signs a presigned GET URL of Scalar's browser bundle in the docs assets bucket (grant `docs:read`:
 * GetObject on that one object) and writes the page around it.
 */

import { docsPageResponse } from '#shared/platform/docs-page.ts';
import { publicRoute } from '#shared/platform/http/public-route.ts';
import { getDocsRoute } from '#shared/platform/routes.ts';

export const handler = publicRoute(getDocsRoute, async () => docsPageResponse());
