/** What inventory operations throw. The route wrapper maps each kind to a problem (`shared/platform/http/problem.ts`). */
import { type CableType, formatLength } from '#shared/inventory/cable.ts';
import { inUnits } from '#shared/inventory/ledger.ts';
import { Conflict, NotFound } from '#shared/platform/errors.ts';

/**
 * Taking `neededMm` of a cable type would leave less than nothing (stock never goes below zero): 409 with what is on
 * hand and what was needed, each in mm, ft and m. Nothing was written.
 */
export class InsufficientStock extends Conflict {
  override readonly name = 'InsufficientStock';

  constructor(cableType: CableType, onHandMm: number, neededMm: number) {
    super(
      `Not enough ${cableType} on hand: ${formatLength(onHandMm)} (${onHandMm} mm), ` +
        `${formatLength(neededMm)} (${neededMm} mm) needed.`,
      { cableType, onHand: inUnits(onHandMm), needed: inUnits(neededMm) },
    );
  }
}

/** Other writes of the same balance kept getting in the way (after every retry): nothing was written; retry. */
export class StockBusy extends Conflict {
  override readonly name = 'StockBusy';

  constructor(cableType: CableType) {
    super(`The ${cableType} stock is changing too often right now; nothing was written, retry shortly.`, {
      cableType,
    });
  }
}

/** A cable type that is not one of `cableTypes` (`shared/inventory/cable.ts`). */
export class CableTypeNotFound extends NotFound {
  override readonly name = 'CableTypeNotFound';

  constructor() {
    super('The cable type');
  }
}
