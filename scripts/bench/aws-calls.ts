/**
 * Counts the AWS SDK calls the handlers make, by service and operation, with DynamoDB's consumed capacity.
 *
 * The local gateway runs every handler in this process and the shared clients of `shared/platform/aws-clients.ts`
 * are created once per process, so one middleware on each shared client sees every call of every handler (and of
 * the stream notifier and the image check, which share them). For DynamoDB the middleware also sets
 * `ReturnConsumedCapacity: 'TOTAL'` on every command that accepts it and keeps what DynamoDB Local reports. A
 * second middleware, innermost (after serializing and signing, before parsing the response), times each call's
 * round trip to the emulator, so the handler's own time can be told from its waiting.
 *
 * S3 and SQS requests do not go through an SDK client (functions sign them with `shared/platform/s3-signing.ts` and
 * `sqs-requests.ts` and send them with `fetch`): {@link CallRecorder.installFetch} counts and times those.
 *
 * Who made a call is read from the call's stack (V8 keeps `await` chains in stack traces): the stream notifier
 * (`functions/notifications/`, `shared/notifications/`) and the S3 object-created check
 * (`functions/images/on-object-created`, `shared/images/check-upload`) and the ticket-removed clean-up
 * (`functions/tickets/on-ticket-removed`, `shared/tickets/cleanup`) are told apart from the HTTP route handlers,
 * because the event sources run them concurrently with requests. Everything else (`other`) belongs to whatever
 * window the bench has open.
 *
 * DynamoDB Local's capacity for `TransactWriteItems` does not follow the AWS rules (measured: 4 units for a
 * transaction of one, two or three small items without indexes, 16 for a ticket plus an event), so each
 * transaction also gets a *modelled* AWS figure ({@link modelTransaction}): 2 WRU per written item per started
 * KB, 2 RRU per condition check, plus 1 WRU per started KB of each index entry the write changes (index writes are
 * ordinary writes; an update touching no key or projected attribute of an index writes none). Whether an updated
 * item is in an index, and its size, are known from earlier reads and writes of it.
 */

import { unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  Client,
  InitializeHandlerArguments,
  InitializeHandlerOutput,
  MetadataBearer,
} from '@smithy/types';
import { globalSecondaryIndexes, tableKeys } from '#shared/platform/table.ts';

export type Service = 'DynamoDB' | 'Cognito' | 'S3' | 'SES' | 'SNS' | 'SQS';
export type Source = 'notifier' | 'imageCheck' | 'ticketCleanup' | 'other';

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
  /** Milliseconds spent waiting for the service (the HTTP exchange, retries included); 0 when nothing was sent. */
  roundTripMs: number;
  /** Each HTTP exchange as `[start, end]` (`performance.now()`), to merge calls that overlap. */
  readonly exchanges: [number, number][];
}

/** Milliseconds during which at least one of the calls was waiting for its service (overlaps counted once). */
export function waitingMs(calls: readonly RecordedCall[]): number {
  const intervals = calls.flatMap((call) => call.exchanges).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [from, to] of intervals) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
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

const notifierFrames = /functions[\\/]notifications[\\/]|shared[\\/]notifications[\\/]/;
const imageCheckFrames = /functions[\\/]images[\\/]on-object-created|shared[\\/]images[\\/]check-upload/;
// The table-maintenance consumer: the ticket cleanup and the dashboard counters it keeps.
const ticketCleanupFrames =
  /functions[\\/]tickets[\\/]on-ticket-removed|shared[\\/]tickets[\\/]cleanup|shared[\\/]dashboard[\\/](maintenance|counters-aws)/;

/** Where the call record of a command travels from the outer middleware to the inner one. */
const callOfContext = Symbol('benchCall');

/** Who is calling, from the synchronous and async frames of the current stack. */
function currentSource(): Source {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  if (notifierFrames.test(stack)) return 'notifier';
  if (imageCheckFrames.test(stack)) return 'imageCheck';
  if (ticketCleanupFrames.test(stack)) return 'ticketCleanup';
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

export function itemSize(item: Record<string, unknown>): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value),
    0,
  );
}

/**
 * Write units of the index entries one write of `item` produces: for each index the item is in, 1 WRU per started
 * KB of its projected entry (keys and the index's projection), when the write changes one of those attributes
 * (`'all'`: a new or replaced item). An update that changes only unprojected attributes writes no index
 * ("Projections", DynamoDB developer guide).
 */
function indexWriteUnits(item: Item, changed: readonly string[] | 'all'): number {
  let units = 0;
  for (const index of globalSecondaryIndexes) {
    if (item[index.partitionKey] === undefined || item[index.sortKey] === undefined) continue;
    const attributes = new Set<string>([
      tableKeys.partitionKey,
      tableKeys.sortKey,
      index.partitionKey,
      index.sortKey,
      ...index.projection,
    ]);
    if (changed !== 'all' && !changed.some((name) => attributes.has(name))) continue;
    const projected = Object.fromEntries(Object.entries(item).filter(([name]) => attributes.has(name)));
    units += Math.max(1, Math.ceil(itemSize(projected) / 1024));
  }
  return units;
}

/** The attribute names an UpdateExpression assigns, removes or adds, and the values `SET #n = :v` assigns. */
function updatedAttributes(body: Record<string, unknown>): { names: string[]; set: Item } {
  const expression = String(body.UpdateExpression ?? '');
  const names = (body.ExpressionAttributeNames as Record<string, string> | undefined) ?? {};
  const values = plainItem(body.ExpressionAttributeValues) ?? {};
  const nameOf = (token: string) => (token.startsWith('#') ? (names[token] ?? token) : token);
  const changed = [...expression.matchAll(/#[A-Za-z0-9_]+/g)].map((match) => nameOf(match[0]));
  const set: Item = {};
  for (const match of expression.matchAll(/(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)/g)) {
    set[nameOf(match[1] as string)] = values[match[2] as string];
  }
  return { names: changed, set };
}

function keyOf(item: Item | undefined): string | undefined {
  const pk = item?.[tableKeys.partitionKey];
  const sk = item?.[tableKeys.sortKey];
  return pk === undefined ? undefined : `${String(pk)}\u0000${String(sk ?? '')}`;
}

export class CallRecorder {
  readonly calls: RecordedCall[] = [];
  /** Items seen so far (by key), for the transaction model. */
  readonly #items = new Map<string, Item>();

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
          const call: RecordedCall = {
            service,
            operation,
            source: currentSource(),
            roundTripMs: 0,
            exchanges: [],
          };
          (context as { [callOfContext]?: RecordedCall })[callOfContext] = call;
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
    // Innermost: around the HTTP handler only (after signing, before the deserializer reads the response).
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const started = performance.now();
        try {
          return await next(args);
        } finally {
          const call = (context as { [callOfContext]?: RecordedCall })[callOfContext];
          const ended = performance.now();
          if (call) {
            call.roundTripMs += ended - started;
            call.exchanges.push([started, ended]);
          }
        }
      },
      { step: 'deserialize', name: 'benchRoundTrip', priority: 'low', override: true },
    );
  }

  /**
   * Counts the S3 requests the handlers send with `fetch` and SigV4 headers (`shared/platform/s3-signing.ts`, no SDK
   * client): requests to `s3BaseUrl` carrying an `AWS4-HMAC-SHA256` authorization header, named by method
   * (`HeadObject`, `GetObject`, `PutObject`, `DeleteObject`), timed like SDK calls. Browser-style uploads with a
   * presigned POST form and requests elsewhere pass through uncounted. With `sqsBaseUrl`, signed requests there
   * (`shared/platform/sqs-requests.ts`) count as SQS calls named by their `x-amz-target` (`SendMessageBatch`, ...).
   * @returns a function that puts the original `fetch` back
   */
  installFetch(s3BaseUrl: string, sqsBaseUrl?: string): () => void {
    const original = globalThis.fetch;
    const operations: Record<string, string> = {
      HEAD: 'HeadObject',
      GET: 'GetObject',
      PUT: 'PutObject',
      DELETE: 'DeleteObject',
      POST: 'PostObject',
    };
    globalThis.fetch = async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      const signed = /^AWS4-HMAC-SHA256/.test(headers.get('authorization') ?? '');
      // SQS speaks the AWS JSON protocol: the operation is named in `x-amz-target` (`AmazonSQS.SendMessage`).
      const sqsTarget = sqsBaseUrl && url.startsWith(sqsBaseUrl) ? headers.get('x-amz-target') : null;
      if (!signed || (!url.startsWith(s3BaseUrl) && !sqsTarget)) return original(input, init);
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      const call: RecordedCall = {
        service: sqsTarget ? 'SQS' : 'S3',
        // A GET of the bucket with `list-type=2` lists objects (ListObjectsV2), any other GET reads one.
        operation: sqsTarget
          ? sqsTarget.replace(/^AmazonSQS\./, '')
          : method === 'GET' && /[?&]list-type=2(&|$)/.test(url)
            ? 'ListObjectsV2'
            : (operations[method] ?? method),
        source: currentSource(),
        roundTripMs: 0,
        exchanges: [],
      };
      this.calls.push(call);
      const started = performance.now();
      try {
        const response = await original(input, init);
        if (response.status >= 400) call.error = `HTTP ${response.status}`;
        return response;
      } catch (error) {
        call.error = (error as { name?: string }).name ?? 'Error';
        throw error;
      } finally {
        const ended = performance.now();
        call.roundTripMs += ended - started;
        call.exchanges.push([started, ended]);
      }
    };
    return () => {
      globalThis.fetch = original;
    };
  }

  #remember(raw: unknown): void {
    const item = plainItem(raw);
    const key = keyOf(item);
    if (item && key) this.#items.set(key, item);
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
   * ConditionCheck 2 RRU (per started 4 KB), plus the index writes ({@link indexWriteUnits}).
   */
  modelTransaction(actions: Record<string, Record<string, unknown>>[] | undefined): Capacity {
    const capacity: Capacity = { read: 0, write: 0 };
    for (const action of actions ?? []) {
      const [kind, body] = Object.entries(action)[0] ?? [];
      if (!kind || !body) continue;
      if (kind === 'Put') {
        const item = plainItem(body.Item) ?? {};
        this.#remember(item);
        capacity.write += 2 * Math.max(1, Math.ceil(itemSize(item) / 1024)) + indexWriteUnits(item, 'all');
        continue;
      }
      const key = keyOf(plainItem(body.Key));
      const known = (key ? this.#items.get(key) : undefined) ?? {};
      if (kind === 'ConditionCheck') {
        capacity.read += 2 * Math.max(1, Math.ceil(itemSize(known) / 4096));
        continue;
      }
      if (kind === 'Delete') {
        capacity.write += 2 * Math.max(1, Math.ceil(itemSize(known) / 1024)) + indexWriteUnits(known, 'all');
        continue;
      }
      const { names, set } = updatedAttributes(body);
      const after = { ...known, ...set };
      const kb = Math.max(1, Math.ceil(Math.max(itemSize(known), itemSize(after)) / 1024));
      capacity.write += 2 * kb + indexWriteUnits(after, names);
      if (key) this.#items.set(key, after);
    }
    return capacity;
  }
}
