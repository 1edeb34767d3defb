/**
 * Reading the dashboard counts (plain values in, plain values out; no HTTP). Served from the maintained counters
 * only, never by reading tickets (`docs/data-model.md`, "Dashboard counters", rows DS1 to DS3):
 * - the caller's own counters: one GetItem of `STATS#USER#<userId>`;
 * - the global counters (only for a caller who may see them): one Query of `STATS#GLOBAL`, every shard summed;
 * - the cable balances (only for `canViewAll`): one Query of `INVENTORY`, `begins_with(sk, 'BALANCE#')`.
 * The three run in parallel.
 */

import {
  balancePrefix,
  globalStatsPartition,
  inventoryPartition,
  statsShards,
  userStatsKey,
} from '#shared/dashboard/counters.entity.ts';
import { seesLowStock, seesOpticsTotals, seesTicketTotals } from '#shared/dashboard/policy.ts';
import { getItem, queryPage } from '#shared/platform/db.ts';
import type { Actor } from '#shared/roles/actor.ts';

/** Counter values by attribute name (`bucketAttribute` in counters.entity.ts); a missing one is 0. */
export type Counters = Readonly<Record<string, number>>;

/** A cable type whose stock on hand is below its threshold; lengths in millimetres. */
export interface LowStockEntry {
  readonly cableType: string;
  readonly onHandMm: number;
  readonly lowStockThresholdMm: number;
}

/** What the caller may see: their own counters always; the others `undefined` when not theirs to see. */
export interface DashboardStats {
  readonly mine: Counters;
  /** Ticket totals (`seesTicketTotals`). */
  readonly tickets?: Counters | undefined;
  /** Optics totals (`seesOpticsTotals`); the same summed shards as `tickets`. */
  readonly optics?: Counters | undefined;
  /** Low-stock cable types by type (`seesLowStock`). */
  readonly lowStock?: readonly LowStockEntry[] | undefined;
}

/** The Number attributes of counter items, summed per name (keys and bookkeeping fields left out). */
export function sumCounters(items: readonly Record<string, unknown>[]): Counters {
  const sums: Record<string, number> = {};
  for (const item of items) {
    for (const [name, value] of Object.entries(item)) {
      if (typeof value !== 'number' || name === 'shard') continue;
      sums[name] = (sums[name] ?? 0) + value;
    }
  }
  return sums;
}

/** The balances that are below their threshold (a balance without a threshold is never low). */
export function lowStockOf(balances: readonly Record<string, unknown>[]): LowStockEntry[] {
  return balances
    .flatMap((balance) => {
      const { cableType, onHandMm, lowStockThresholdMm } = balance;
      if (typeof cableType !== 'string' || typeof onHandMm !== 'number') return [];
      if (typeof lowStockThresholdMm !== 'number' || !(onHandMm < lowStockThresholdMm)) return [];
      return [{ cableType, onHandMm, lowStockThresholdMm }];
    })
    .sort((a, b) => a.cableType.localeCompare(b.cableType));
}

/** The cable balances: one Query of the inventory partition (one item per cable type: a handful). */
async function readBalances(): Promise<Record<string, unknown>[]> {
  const { items } = await queryPage<Record<string, unknown>>({
    partition: { pk: inventoryPartition },
    beginsWith: ['sk', balancePrefix],
    limit: 100,
  });
  return items;
}

/** The global counter shards, summed: one Query (at most {@link statsShards} items). */
async function readGlobalCounters(): Promise<Counters> {
  const { items } = await queryPage<Record<string, unknown>>({
    partition: { pk: globalStatsPartition },
    limit: statsShards,
  });
  return sumCounters(items);
}

/**
 * The counts the actor may see (`policy.ts`).
 * @returns their own counters, and the global ones and the low-stock cable types when they may see them
 */
export async function readDashboardStats(actor: Actor): Promise<DashboardStats> {
  const global = seesTicketTotals(actor) || seesOpticsTotals(actor);
  const [mine, totals, balances] = await Promise.all([
    getItem<Record<string, unknown>>(userStatsKey(actor.userId)),
    global ? readGlobalCounters() : undefined,
    seesLowStock(actor) ? readBalances() : undefined,
  ]);
  return {
    mine: sumCounters(mine ? [mine] : []),
    tickets: seesTicketTotals(actor) ? totals : undefined,
    optics: seesOpticsTotals(actor) ? totals : undefined,
    lowStock: balances ? lowStockOf(balances) : undefined,
  };
}
