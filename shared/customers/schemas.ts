/**
 * Request schemas of the customer routes. Bodies are strict: unknown fields are a 400, so a typo never silently
 * does nothing. `zod/mini`, each schema built by a pure `defineSchema` call so a bundle keeps only those its route
 * uses (`shared/platform/schemas.ts`).
 */
import * as z from 'zod/mini';
import { defineSchema, ListQuery, Ulid, UserId } from '#shared/platform/schemas.ts';
import { maxChars } from '#shared/platform/text.ts';
import { notBlank } from '#shared/tickets/schemas.ts';
import { e164, email, personName } from '#shared/users/schemas.ts';

/** A string that is not blank, trimmed, then 1 to `max` characters long. */
const trimmed = (max: number) => z.string().check(notBlank(), maxChars(max), z.trim(), z.minLength(1));

/** A boolean query flag: `true` or `false` (decoded to a boolean). */
const queryFlag = (description: string) =>
  z
    .codec(z.enum(['true', 'false']), z.boolean(), {
      decode: (value) => value === 'true',
      encode: (value) => (value ? 'true' : 'false'),
    })
    .check(z.meta({ description }));

/** The start of an email or a name: 1 to 100 characters once trimmed. */
const prefix = (description: string) =>
  z.string().check(notBlank(), maxChars(100), z.trim(), z.minLength(1), z.meta({ description }));

export const CreateCustomerBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      name: personName(),
      /** Stored and answered lower-cased; unique among the owner's customers (409 naming the other one). */
      email: email(),
      phone: z.optional(e164()),
      company: z.optional(trimmed(100)),
      notes: z.optional(trimmed(2000)),
    })
    .check(z.meta({ id: 'CreateCustomerRequest' })),
);
export type CreateCustomerInput = z.output<typeof CreateCustomerBody>;

/** `PATCH /customers/{customerId}`: the fields to change, at least one; `null` clears phone, company or notes. */
export const UpdateCustomerBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      name: z.optional(personName()),
      email: z.optional(email()),
      phone: z.optional(z.nullable(e164())),
      company: z.optional(z.nullable(trimmed(100))),
      notes: z.optional(z.nullable(trimmed(2000))),
    })
    .check(
      z.refine(
        (body) => Object.values(body).some((value) => value !== undefined),
        'Send at least one field to change',
      ),
      z.meta({
        id: 'UpdateCustomerRequest',
        minProperties: 1,
        description: 'The fields to change, at least one; null clears phone, company or notes.',
      }),
    ),
);
export type UpdateCustomerInput = z.output<typeof UpdateCustomerBody>;

export const CustomerParams = /* @__PURE__ */ defineSchema(() => z.object({ customerId: Ulid }));

/**
 * `GET /customers?ownerId=&all=&email=&name=&limit=&cursor=`: the caller's customers (newest first), another
 * owner's (`ownerId`, canViewAll), every owner's (`all=true`, canViewAll), or one owner's whose email or name
 * starts so. Which combinations are served is checked by the operation (`customerListPlan`): 422 otherwise.
 */
export const ListCustomersQuery = /* @__PURE__ */ defineSchema(() =>
  z.strictObject({
    ...ListQuery.shape,
    ownerId: z.optional(UserId),
    all: z.optional(queryFlag('`true`: every owner’s customers, newest first (canViewAll)')),
    email: z.optional(prefix('Customers whose email starts so (case does not matter), by email')),
    name: z.optional(prefix('Customers whose name starts so (case and accents do not matter), by name')),
  }),
);
export type ListCustomersQueryInput = z.output<typeof ListCustomersQuery>;

/** `GET /customers/{customerId}?limit=&cursor=`: the page of the customer's tickets shown with it. */
export const GetCustomerQuery = /* @__PURE__ */ defineSchema(() => z.strictObject({ ...ListQuery.shape }));

/** `DELETE /customers/{customerId}?force=true`: unlink its tickets, then delete (canDeleteAll). */
export const DeleteCustomerQuery = /* @__PURE__ */ defineSchema(() =>
  z.strictObject({
    force: z.optional(
      queryFlag(
        '`true`: unlink the customer’s tickets, then delete it (canDeleteAll); else 409 while it has tickets',
      ),
    ),
  }),
);
