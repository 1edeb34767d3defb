/**
 * Cable requests and stock (docs/lifecycle.md, "Cable requests and stock"): a ticket with `requestDetails` that
 * moves to `fulfilled` takes `lengthMm × quantity` of its cable type out of stock, in the same transaction as the
 * ticket change, never below zero; the move `fulfilled → in_progress` puts back what was taken. The ticket change
 * (`applyTicketChange` in `shared/tickets/operations.ts`) writes through {@link writeTicketChangeWithStock}.
 */
import type { CableType } from '#shared/inventory/cable.ts';
import { type FulfilmentItem, fulfilmentKey, fulfilmentRecord } from '#shared/inventory/inventory.entity.ts';
import { type CableRequestDetails, stockMoveOf, stockNeededMm } from '#shared/inventory/ledger.ts';
import { moveStock } from '#shared/inventory/stock.ts';
import { getItem, itemExists, itemIsNew, type TransactionWrite, transactWrite } from '#shared/platform/db.ts';

/** The fields of a ticket this module reads: its id, status and cable request details, if any. */
export interface StockTicket {
  readonly ticketId: string;
  readonly status: string;
  readonly requestDetails?: CableRequestDetails | undefined;
}

/**
 * Write a ticket change, with its stock movement when the change fulfils a cable request or undoes that:
 * - to `fulfilled`, with `requestDetails`: the ticket writes, the balance taken down by `lengthMm × quantity`
 *   (condition `onHandMm >= needed`), a `fulfilment` movement naming the ticket, and the ticket's fulfilment record;
 * - `fulfilled → in_progress` with a fulfilment record: the ticket writes, the balance given back what the record
 *   says, a `reversal` movement, and the record deleted;
 * - anything else: the ticket writes alone.
 * Contended balance writes are retried (`moveStock`); the ticket writes keep their conditions (its version).
 * @param writes the ticket change's writes (`ticketChangeWrites` and the like), the ticket's update first
 * @returns as `transactWrite`: `{ ok: false, reasons }` carries the codes of `writes` only (the ticket changed)
 * @throws InsufficientStock (409, what is on hand in mm, ft and m; nothing written); StockBusy (409)
 */
export async function writeTicketChangeWithStock(
  ticket: StockTicket,
  to: string | undefined,
  actorId: string,
  writes: readonly TransactionWrite[],
  reason?: string,
): Promise<{ ok: true } | { ok: false; reasons: string[] }> {
  const move = stockMoveOf(ticket.status, to);
  if (move === 'fulfilment' && ticket.requestDetails) {
    const details = ticket.requestDetails;
    const takenMm = stockNeededMm(details);
    const moved = await moveStock(
      {
        kind: 'fulfilment',
        cableType: details.cableType,
        deltaMm: -takenMm,
        actorId,
        ticketId: ticket.ticketId,
      },
      (movement) => [
        ...writes,
        {
          put: fulfilmentRecord({
            ticketId: ticket.ticketId,
            cableType: details.cableType,
            takenMm,
            movementId: movement.movementId,
            at: movement.at,
          }),
          condition: itemIsNew,
        },
      ],
    );
    return 'refused' in moved ? { ok: false, reasons: moved.refused.slice(0, writes.length) } : { ok: true };
  }
  if (move === 'reversal') {
    const taken = await getItem<FulfilmentItem>(fulfilmentKey(ticket.ticketId), { consistent: true });
    if (taken) {
      const moved = await moveStock(
        {
          kind: 'reversal',
          cableType: taken.cableType as CableType,
          deltaMm: taken.takenMm,
          actorId,
          ticketId: ticket.ticketId,
          reason: reason ?? 'Fulfilment undone',
        },
        () => [...writes, { delete: fulfilmentKey(ticket.ticketId), condition: itemExists }],
      );
      return 'refused' in moved
        ? { ok: false, reasons: moved.refused.slice(0, writes.length) }
        : { ok: true };
    }
  }
  return transactWrite(writes);
}
