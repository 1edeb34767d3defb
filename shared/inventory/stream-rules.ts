/**
 * Low-stock alerts (PRODUCT "Operations": inventory on hand by cable type; `docs/notifications.md`, "Low stock").
 * Inventory balances are items `pk = INVENTORY`, `sk = BALANCE#<cableType>`, `entityType: 'inventoryBalance'`, with
 * `cableType`, `onHandMm` and `lowStockThresholdMm` (whole millimetres, `cable.ts`); every stock change is an
 * update of that item, so its stream record carries the balance before and after.
 *
 * The crossing rule: a balance is low when it has a threshold and `onHandMm < lowStockThresholdMm` (`isLowStock`). A record whose
 * new image is low and whose old image was not (or that has no old image: a new balance) alerts the inventory team
 * once (`inventoryTeam`: every enabled member of the role `inventoryRole()`, resolved by the sender). Further drops
 * while low alert nobody; once the stock is back at or above the threshold, the next crossing alerts again. Each
 * image is judged with its own threshold, so raising the threshold above the stock is a crossing too.
 */
import { formatLength } from '#shared/inventory/cable.ts';
import { balanceEntity } from '#shared/inventory/inventory.entity.ts';
import { isLowStock } from '#shared/inventory/ledger.ts';
import {
  type ItemChange,
  type NotificationIntent,
  type StreamRule,
  UnreadableRecordError,
} from '#shared/notifications/intents.ts';
import { lowStockEmail } from '#shared/notifications/operations-templates.ts';

/** The `entityType` of an inventory balance item (`inventory.entity.ts`). */
export const inventoryBalanceEntity = balanceEntity;

type Image = Readonly<Record<string, unknown>>;

/**
 * Whether a balance image is low on stock ({@link isLowStock} of `ledger.ts`, the rule the dashboard counts by: a
 * threshold and less than it on hand; a threshold of 0 is never reached). No image, or one without numbers: not low.
 */
export function isLowStockImage(image: Image | undefined): boolean {
  if (!image) return false;
  const { onHandMm, lowStockThresholdMm } = image;
  return (
    typeof onHandMm === 'number' &&
    typeof lowStockThresholdMm === 'number' &&
    isLowStock({ onHandMm, lowStockThresholdMm })
  );
}

/**
 * The low-stock alert of one balance change: one intent to the inventory team when the balance crosses below its
 * threshold (see the module comment), none otherwise.
 * @throws UnreadableRecordError when the new image lacks `cableType` or a numeric `onHandMm`
 */
export function lowStockNotifications(change: ItemChange): NotificationIntent[] {
  const { cableType, onHandMm, lowStockThresholdMm } = change.newImage;
  if (typeof cableType !== 'string' || !cableType || typeof onHandMm !== 'number')
    throw new UnreadableRecordError(
      `Stream record ${change.eventId ?? '?'}: inventory balance image lacks or mistypes cableType, onHandMm`,
    );
  if (!isLowStockImage(change.newImage) || isLowStockImage(change.oldImage)) return [];
  return [
    {
      type: 'low_stock',
      about: { kind: 'inventoryBalance', id: cableType },
      recipient: { group: 'inventoryTeam' },
      email: lowStockEmail({
        cableType,
        onHand: formatLength(onHandMm),
        threshold: formatLength(lowStockThresholdMm as number),
      }),
    },
  ];
}

export const inventoryStreamRules: readonly StreamRule[] = [
  { entity: balanceEntity, events: ['INSERT', 'MODIFY'], plan: lowStockNotifications },
];
