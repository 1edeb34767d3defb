/**
 * The OpenAPI document of this service: every route row (`shared/routes.ts`) with every feature's examples.
 * `npm run openapi` writes it to `openapi.json`, which `GET /openapi.json` serves and the typed client
 * (`client/`) is generated from; a unit test fails when the file is stale.
 */
import { approvalResponses } from '#shared/approvals/responses.ts';
import { commentResponses } from '#shared/comments/responses.ts';
import { customerResponses } from '#shared/customers/responses.ts';
import { imageResponses } from '#shared/images/responses.ts';
import { macroResponses } from '#shared/macros/responses.ts';
import { messageResponses } from '#shared/messages/responses.ts';
import { notificationResponses } from '#shared/notifications/responses.ts';
import { opticsResponses } from '#shared/optics/responses.ts';
import { mergeResponses, type OpenApiDocument, openApiDocument } from '#shared/platform/openapi.ts';
import { platformResponses } from '#shared/platform/responses.ts';
import { roleResponses } from '#shared/roles/responses.ts';
import { routes } from '#shared/routes.ts';
import { ticketResponses } from '#shared/tickets/responses.ts';
import { userResponses } from '#shared/users/responses.ts';

/** The document `openapi.json` holds. */
export function apiDocument(): OpenApiDocument {
  return openApiDocument(routes, {
    responses: mergeResponses(
      platformResponses,
      userResponses,
      roleResponses,
      ticketResponses,
      commentResponses,
      imageResponses,
      approvalResponses,
      notificationResponses,
      customerResponses,
      macroResponses,
      messageResponses,
      opticsResponses,
    ),
  });
}

/** The text of `openapi.json`: the document, two-space indented, with a final newline. */
export const apiDocumentText = () => `${JSON.stringify(apiDocument(), null, 2)}\n`;
