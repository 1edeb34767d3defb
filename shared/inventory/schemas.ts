/**
 * Request schemas of the inventory routes (zod/mini; each built by a pure `defineSchema` call, so a bundle keeps
 * only those its route uses). Bodies are strict: an unknown field is a 400. Rules the document cannot state (a
 * date in the future, a length that rounds to 0 mm, `from` after `to`) are the operations' (422).
 */
import * as z from 'zod/mini';
import {
  cableTypes,
  type LengthUnit,
  lengthUnits,
  maxLengthMm,
  millimetresPer,
} from '#shared/inventory/cable.ts';
import { defineSchema } from '#shared/platform/schemas.ts';
import { maxChars } from '#shared/platform/text.ts';

/** Limits of the numbers and texts the routes take. */
export const inventoryLimits = {
  /** Units of one receipt. */
  quantity: 10_000,
  supplier: 200,
  reference: 100,
  reason: 500,
} as const;

/** The longest length in `unit`: `maxLengthMm` (100 km) in that unit, rounded down to 0.01 ft or m. */
export const maxLengthIn = (unit: LengthUnit): number =>
  Math.floor((maxLengthMm / millimetresPer[unit]) * 100) / 100;

/** The longest length the document accepts in either unit (100 km in feet); longer in metres is a 422. */
const maxValue = maxLengthIn('ft');

/** One line of text: not blank, at most `max` characters (code points), no control characters; trimmed. */
const line = (max: number, description: string) =>
  z
    .string()
    .check(
      z.regex(/\S/, { message: 'Must not be blank', abort: true }),
      maxChars(max),
      z.regex(/^[^\p{Cc}]*$/u, 'Expected text without control characters'),
      z.trim(),
      z.minLength(1),
      z.meta({ description }),
    );

const cableType = () =>
  z.enum(cableTypes).check(z.meta({ description: 'The cable type (`shared/inventory/cable.ts`)' }));

const unit = () => z.enum(lengthUnits).check(z.meta({ description: '`ft` (304.8 mm) or `m`' }));

/** A positive length: `value` (0.01 to 100 km) in `unit`. */
const positiveLength = (description: string) =>
  z
    .strictObject({
      value: z.number().check(z.gte(0.01), z.lte(maxValue), z.meta({ description: 'How long, in `unit`' })),
      unit: unit(),
    })
    .check(z.meta({ description }));

/** A calendar day, `YYYY-MM-DD`. */
const day = (description: string) => z.iso.date().check(z.maxLength(10), z.meta({ description }));

/** `POST /inventory/receipts`: a delivery of `quantity` pieces of one length. */
export const CreateReceiptBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      cableType: cableType(),
      length: positiveLength(
        'The length of one piece (a reel, a box, a patch cable): 0.01 to 100 km, stored in whole millimetres',
      ),
      quantity: z
        .number()
        .check(
          z.int(),
          z.gte(1),
          z.lte(inventoryLimits.quantity),
          z.meta({ description: 'How many pieces of that length, 1-10,000' }),
        ),
      supplier: line(inventoryLimits.supplier, 'Who delivered'),
      reference: line(inventoryLimits.reference, 'The delivery note, invoice or order number'),
      receivedAt: day('The day the goods came in (YYYY-MM-DD), today or earlier (UTC)'),
    })
    .check(z.meta({ id: 'CreateInventoryReceiptRequest' })),
);
export type CreateReceiptInput = z.output<typeof CreateReceiptBody>;

/** `?limit=&cursor=`. */
const page = () => ({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25),
  cursor: z.optional(
    z
      .string()
      .check(z.maxLength(2048), z.regex(/^[\w-]+\.[\w-]+$/, 'Expected a cursor from a previous page')),
  ),
});

/** `GET /inventory/receipts?limit=&cursor=`. */
export const ListReceiptsQuery = /* @__PURE__ */ defineSchema(() => z.object(page()));
export type ListReceiptsInput = z.output<typeof ListReceiptsQuery>;

/** `GET /inventory/movements?cableType=&kind=&from=&to=&limit=&cursor=`. */
export const ListMovementsQuery = /* @__PURE__ */ defineSchema(() =>
  z.object({
    cableType: z.optional(cableType()),
    from: z.optional(day('Movements on this day (UTC) or later')),
    to: z.optional(day('Movements on this day (UTC) or earlier')),
    ...page(),
  }),
);
export type ListMovementsInput = z.output<typeof ListMovementsQuery>;

/** `POST /inventory/adjustments`: a correction of the stock (a count, damage, loss), with its reason. */
export const CreateAdjustmentBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      cableType: cableType(),
      delta: z
        .strictObject({
          value: z.number().check(
            z.gte(-maxValue),
            z.lte(maxValue),
            z.meta({
              description:
                'How much, in `unit`: with `direction`, a positive length; without, signed (negative takes stock out)',
            }),
          ),
          unit: unit(),
          direction: z.optional(
            z
              .enum(['add', 'remove'])
              .check(z.meta({ description: '`add` to the stock or `remove` from it' })),
          ),
        })
        .check(
          z.meta({
            description:
              'The change: `{ value, unit, direction }` or a signed `{ value, unit }`; it must be at least 1 mm (422)',
          }),
        ),
      reason: line(inventoryLimits.reason, 'Why (required): a stock count, damage, a loss'),
    })
    .check(z.meta({ id: 'CreateInventoryAdjustmentRequest' })),
);
export type CreateAdjustmentInput = z.output<typeof CreateAdjustmentBody>;

/** `{cableType}` of `PUT /inventory/thresholds/{cableType}`: any name; one that is not a cable type is a 404. */
export const ThresholdParams = /* @__PURE__ */ defineSchema(() =>
  z.object({
    cableType: z.string().check(
      z.regex(/^[A-Za-z0-9-]{1,32}$/, 'Expected a cable type'),
      z.meta({
        maxLength: 32,
        description: 'A cable type (`GET /inventory/on-hand` lists them); others: 404',
      }),
    ),
  }),
);

/** `PUT /inventory/thresholds/{cableType}`: the low-stock threshold. */
export const SetThresholdBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      length: z
        .strictObject({
          value: z
            .number()
            .check(z.gte(0), z.lte(maxValue), z.meta({ description: 'How long, in `unit`; 0: never low' })),
          unit: unit(),
        })
        .check(
          z.meta({ description: 'Below this much on hand the type is low on stock (and the team is told)' }),
        ),
    })
    .check(z.meta({ id: 'SetInventoryThresholdRequest' })),
);
export type SetThresholdInput = z.output<typeof SetThresholdBody>;
