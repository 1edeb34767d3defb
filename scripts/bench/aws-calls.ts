/**
 * Counts the AWS SDK calls the handlers make, by service and operation, with DynamoDB's consumed capacity.
 *
 * The local gateway runs every handler in this process and the shared clients of `shared/aws/clients.ts` are
 * created once per process, so one middleware on each shared client sees every call of every handler (and of the
 * stream notifier and the image check, which share them). For DynamoDB the middleware also sets
 * `ReturnConsumedCapacity: 'TOTAL'` on every command that accepts it and keeps what DynamoDB Local reports.
 *
 * Who made a call is read from the call's stack (V8 keeps `await` chains in stack traces): the stream notifier
 * (`functions/streams/`, `shared/notify/`, Powertools idempotency) and the S3 object-created check
 * (`functions/images/`) are told apart from the HTTP route handlers, because the stream poller runs the notifier
 * concurrently with requests. Everything else (`other`) belongs to whatever window the bench has open.
 *
 * DynamoDB Local's capacity for `TransactWriteItems` does not follow the AWS rules (measured: 4 units for a
 * transaction of one, two or three small items without indexes, 16 for a ticket plus an event), so each
 * transaction also gets a *modelled* AWS figure ({@link modelTransaction}): 2 WRU per written item per started
 * KB, 2 RRU per condition check, plus 1 WRU per global secondary index the item is in (index writes are
 * ordinary writes). Whether an updated item is in an index is known from earlier reads and writes of it.
 */

import { unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  Client,
  InitializeHandlerArguments,
  InitializeHandlerOutput,
  MetadataBearer,
} from '@smithy/types';
import { globalSecondaryIndexes, tableKeys } from '#shared/platform/table.ts';

export type Service = 'DynamoDB' | 'Cognito' | 'S3' | 'SES' | 'SNS';
export type Source = 'notifier' | 'imageCheck' | 'other';

export interface Capacity {
  /** Read units (RCU/RRU). */
  read: number;
  /** Write units (WCU/WRU). */
  write: number;
}

export interface RecordedCall {
  readonly service: Service;
  /** Operation name without `Command`, e.g. `GetItem`, `InitiateAuth`. */
  readonly operation: string;
  readonly source: Source;
  /** DynamoDB: what DynamoDB Local reported, split into reads and writes; `undefined` when it reported nothing. */
  local?: Capacity | undefined;
  /** DynamoDB: the AWS figure for billing: Local's for single-item calls and queries, modelled for transactions. */
  aws?: Capacity | undefined;
  /** Error name when the call failed (e.g. `TransactionCanceledException`). */
  error?: string | undefined;
  /**
   * A URL presigned with `getSignedUrl`, which runs the command through the client's middleware but stops before
   * sending: no request reached the service. Not counted as a call.
   */
  presigned?: boolean | undefined;
}

/** DynamoDB operations whose input takes `ReturnConsumedCapacity`. */
export const capacityOperations = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
  'ExecuteTransaction',
]);

const readOperations = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

interface CapacityEntry {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/** Sums `ConsumedCapacity` (one entry or a list); a total without a read/write split goes by the operation. */
function localCapacity(operation: string, consumed: unknown): Capacity | undefined {
  if (consumed === undefined || consumed === null) return undefined;
  const entries = (Array.isArray(consumed) ? consumed : [consumed]) as CapacityEntry[];
  const sum: Capacity = { read: 0, write: 0 };
  for (const entry of entries) {
    const read = entry.ReadCapacityUnits ?? 0;
    const write = entry.WriteCapacityUnits ?? 0;
    const unsplit = (entry.CapacityUnits ?? 0) - read - write;
    sum.read += read;
    sum.write += write;
    if (unsplit > 0) {
      if (readOperations.has(operation)) sum.read += unsplit;
      else sum.write += unsplit;
    }
  }
  return sum;
}

const notifierFrames =
  /functions[\\/]streams[\\/]|shared[\\/]notify[\\/]|@aws-lambda-powertools[\\/]idempotency/;
const imageCheckFrames = /functions[\\/]images[\\/]|shared[\\/]images[\\/]check-upload/;

/** Who is calling, from the synchronous and async frames of the current stack. */
function currentSource(): Source {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  if (notifierFrames.test(stack)) return 'notifier';
  if (imageCheckFrames.test(stack)) return 'imageCheck';
  return 'other';
}

type Item = Record<string, unknown>;

const attributeValueTypes = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS']);

/** Items from the document client are plain; from the low-level client (Powertools) marshalled. */
function plainItem(item: unknown): Item | undefined {
  if (!item || typeof item !== 'object') return undefined;
  const values = Object.values(item);
  const marshalled =
    values.length > 0 &&
    values.every((value) => {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
      const keys = Object.keys(value);
      return keys.length === 1 && attributeValueTypes.has(keys[0] as string);
    });
  // biome-ignore lint/suspicious/noExplicitAny: the marshalled shape was just checked
  return marshalled ? unmarshall(item as any) : (item as Item);
}

/** DynamoDB's item size rules, approximately: attribute names plus values (UTF-8, numbers ~ digits/2 + 1). */
function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') return Math.ceil(String(value).length / 2) + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueSize(v), 0);
  if (typeof value === 'object') {
    return (
      3 + Object.entries(value).reduce((sum, [k, v]) => sum + 1 + Buffer.byteLength(k) + valueSize(v), 0)
    );
  }
  return 1;
}

function itemSize(item: Item): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value),
    0,
  );
}

function indexesOf(item: Item): number {
  return globalSecondaryIndexes.filter(
    (index) => item[index.partitionKey] !== undefined && item[index.sortKey] !== undefined,
  ).length;
}

function keyOf(item: Item | undefined): string | undefined {
  const pk = item?.[tableKeys.partitionKey];
  const sk = item?.[tableKeys.sortKey];
  return pk === undefined ? undefined : `${String(pk)}\u0000${String(sk ?? '')}`;
}

export class CallRecorder {
  readonly calls: RecordedCall[] = [];
  /** Items seen so far (key → size and number of indexes it is in), for the transaction model. */
  readonly #items = new Map<string, { size: number; indexes: number }>();

  /** Position to slice from later ({@link since}). */
  mark(): number {
    return this.calls.length;
  }

  since(mark: number): RecordedCall[] {
    return this.calls.slice(mark);
  }

  /**
   * Adds the counting middleware to a client (first in the initialize step, so it sees the command's own input).
   * @param service the label the calls get
   */
  // biome-ignore lint/suspicious/noExplicitAny: every SDK v3 client, whatever its input and output unions
  install(service: Service, client: Client<any, MetadataBearer, any>): void {
    client.middlewareStack.add(
      (next, context) =>
        async (
          args: InitializeHandlerArguments<object>,
        ): Promise<InitializeHandlerOutput<MetadataBearer>> => {
          const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
          const call: RecordedCall = { service, operation, source: currentSource() };
          this.calls.push(call);
          let input = args.input as Record<string, unknown>;
          if (service === 'DynamoDB' && capacityOperations.has(operation) && !input.ReturnConsumedCapacity) {
            input = { ...input, ReturnConsumedCapacity: 'TOTAL' };
          }
          const modelled = service === 'DynamoDB' ? this.#beforeDynamo(operation, input) : undefined;
          try {
            const result = await next({ ...args, input });
            if ((result.output as { presigned?: unknown }).presigned !== undefined) call.presigned = true;
            if (service === 'DynamoDB') {
              const output = result.output as { ConsumedCapacity?: unknown; Item?: unknown; Items?: unknown };
              call.local = localCapacity(operation, output.ConsumedCapacity);
              call.aws = modelled ?? call.local;
              this.#remember(output.Item);
              if (Array.isArray(output.Items)) for (const item of output.Items) this.#remember(item);
            }
            return result;
          } catch (error) {
            call.error = (error as { name?: string }).name ?? 'Error';
            // A cancelled transaction is billed on AWS as well; keep the model's figure.
            if (modelled) call.aws = modelled;
            throw error;
          }
        },
      { step: 'initialize', name: 'benchCallRecorder', priority: 'high', override: true },
    );
  }

  #remember(raw: unknown): void {
    const item = plainItem(raw);
    const key = keyOf(item);
    if (item && key) this.#items.set(key, { size: itemSize(item), indexes: indexesOf(item) });
  }

  /** Remembers written items; for a transaction returns the modelled AWS capacity. */
  #beforeDynamo(operation: string, input: Record<string, unknown>): Capacity | undefined {
    if (operation === 'PutItem') this.#remember(input.Item);
    if (operation !== 'TransactWriteItems') return undefined;
    return this.modelTransaction(
      input.TransactItems as Record<string, Record<string, unknown>>[] | undefined,
    );
  }

  /**
   * AWS capacity of a `TransactWriteItems`: each Put/Update/Delete 2 WRU per started KB of the item, each
   * ConditionCheck 2 RRU (per started 4 KB), plus 1 WRU per started KB for every index the item is in.
   */
  modelTransaction(actions: Record<string, Record<string, unknown>>[] | undefined): Capacity {
    const capacity: Capacity = { read: 0, write: 0 };
    for (const action of actions ?? []) {
      const [kind, body] = Object.entries(action)[0] ?? [];
      if (!kind || !body) continue;
      if (kind === 'Put') {
        const item = plainItem(body.Item) ?? {};
        this.#remember(item);
        const kb = Math.max(1, Math.ceil(itemSize(item) / 1024));
        capacity.write += 2 * kb + indexesOf(item) * kb;
        continue;
      }
      const key = keyOf(plainItem(body.Key));
      const known = key ? this.#items.get(key) : undefined;
      const size = known?.size ?? 0;
      if (kind === 'ConditionCheck') {
        capacity.read += 2 * Math.max(1, Math.ceil(size / 4096));
        continue;
      }
      const kb = Math.max(1, Math.ceil(size / 1024));
      const namesUpdated = Object.values((body.ExpressionAttributeNames as Record<string, string>) ?? {});
      const indexesSet = globalSecondaryIndexes.filter(
        (index) => namesUpdated.includes(index.partitionKey) || namesUpdated.includes(index.sortKey),
      ).length;
      capacity.write += 2 * kb + Math.max(known?.indexes ?? 0, indexesSet) * kb;
    }
    return capacity;
  }
}
