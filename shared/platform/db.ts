/**
 * The table through lib-dynamodb's document client, with typed keys: each feature's `<name>.entity.ts` says how its
 * items are keyed (`pk`, `sk`, index keys) and what they hold; this module runs the requests. It is the thin layer
 * the cold-start budget allows (an ORM such as ElectroDB costs 1.4–2.4× a bare client's init, measured side by side
 * in `docs/benchmarks.md`): key builders, an update-expression builder and the calls, nothing else.
 *
 * Every write stamps `updatedAt` (ISO 8601) on the item unless the caller gives one. Reads return the stored item
 * as it is (keys and index attributes included; views pick the fields they show).
 */
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#shared/platform/aws-clients.ts';
import { config } from '#shared/platform/config.ts';
import { nowIso } from '#shared/platform/entity.ts';

/** The primary key of an item. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** A stored item: its key plus attributes. */
export type StoredItem = ItemKey & Record<string, unknown>;

/** A condition expression with its names and values (`#name`, `:value` placeholders). */
export interface Condition {
  readonly expression: string;
  readonly names?: Readonly<Record<string, string>>;
  readonly values?: Readonly<Record<string, unknown>>;
}

/** `attribute_not_exists(pk)`: the item must not exist yet. */
export const itemIsNew: Condition = { expression: 'attribute_not_exists(pk)' };

/** `attribute_exists(pk)`: the item must exist. */
export const itemExists: Condition = { expression: 'attribute_exists(pk)' };

let placeholders = 0;

/** `#a = :a` for each attribute, ANDed (attribute names are placeholders, so reserved words are safe). */
export function attributesEqual(expected: Readonly<Record<string, unknown>>): Condition {
  const entries = Object.entries(expected).map(([name, value]) => [name, value, placeholders++] as const);
  return {
    expression: entries.map(([, , n]) => `#c${n} = :c${n}`).join(' AND '),
    names: Object.fromEntries(entries.map(([name, , n]) => [`#c${n}`, name])),
    values: Object.fromEntries(entries.map(([, value, n]) => [`:c${n}`, value])),
  };
}

/** Both conditions. */
export function both(a: Condition, b: Condition): Condition {
  return {
    expression: `(${a.expression}) AND (${b.expression})`,
    names: { ...a.names, ...b.names },
    values: { ...a.values, ...b.values },
  };
}

/**
 * What an update does: `set` assigns (an `undefined` value removes the attribute), `setIfMissing` assigns only
 * attributes the item does not have yet (`if_not_exists`), `add` adds to numbers.
 */
export interface Update {
  readonly set?: Readonly<Record<string, unknown>>;
  readonly setIfMissing?: Readonly<Record<string, unknown>>;
  readonly add?: Readonly<Record<string, number>>;
}

/**
 * The UpdateExpression of an update, with `updatedAt` stamped unless `set` gives it.
 * @returns the expression parts for UpdateItem or a transaction's Update
 */
export function updateExpression(update: Update, condition?: Condition) {
  const set = { updatedAt: nowIso(), ...update.set };
  const names: Record<string, string> = { ...condition?.names };
  const values: Record<string, unknown> = { ...condition?.values };
  const assignments: string[] = [];
  const removals: string[] = [];
  Object.entries(set).forEach(([name, value], i) => {
    names[`#s${i}`] = name;
    if (value === undefined) removals.push(`#s${i}`);
    else {
      values[`:s${i}`] = value;
      assignments.push(`#s${i} = :s${i}`);
    }
  });
  Object.entries(update.setIfMissing ?? {}).forEach(([name, value], i) => {
    names[`#m${i}`] = name;
    values[`:m${i}`] = value;
    assignments.push(`#m${i} = if_not_exists(#m${i}, :m${i})`);
  });
  const additions = Object.entries(update.add ?? {}).map(([name, amount], i) => {
    names[`#a${i}`] = name;
    values[`:a${i}`] = amount;
    return `#a${i} :a${i}`;
  });
  const expression = [
    assignments.length > 0 ? `SET ${assignments.join(', ')}` : '',
    removals.length > 0 ? `REMOVE ${removals.join(', ')}` : '',
    additions.length > 0 ? `ADD ${additions.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    UpdateExpression: expression,
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    ...(condition ? { ConditionExpression: condition.expression } : {}),
  };
}

function conditionParts(condition: Condition | undefined) {
  if (!condition) return {};
  return {
    ConditionExpression: condition.expression,
    ...(condition.names && Object.keys(condition.names).length > 0
      ? { ExpressionAttributeNames: condition.names }
      : {}),
    ...(condition.values && Object.keys(condition.values).length > 0
      ? { ExpressionAttributeValues: condition.values }
      : {}),
  };
}

/** The stored item of a write: `updatedAt` stamped unless given. */
const stamped = (item: StoredItem): StoredItem => ({ updatedAt: nowIso(), ...item });

const table = () => config.tableName;

/** One item by key, or `undefined` (GetItem; `consistent` for a strongly consistent read). */
export async function getItem<T>(
  key: ItemKey,
  options: { consistent?: boolean } = {},
): Promise<T | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: table(), Key: key, ...(options.consistent ? { ConsistentRead: true } : {}) }),
  );
  return Item as T | undefined;
}

/**
 * Many items by key (BatchGetItem, up to 100 keys per call; unprocessed keys retried). Missing items are absent
 * from the result; order is not kept. `consistent` reads strongly consistent (`ConsistentRead` on the table).
 */
export async function getItems<T>(
  keys: readonly ItemKey[],
  options: { consistent?: boolean } = {},
): Promise<T[]> {
  const found: T[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    let pending: ItemKey[] | undefined = keys.slice(start, start + 100);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 2000)));
      const { Responses, UnprocessedKeys } = await documentClient().send(
        new BatchGetCommand({
          RequestItems: {
            [table()]: { Keys: pending, ...(options.consistent ? { ConsistentRead: true } : {}) },
          },
        }),
      );
      found.push(...((Responses?.[table()] ?? []) as T[]));
      pending = UnprocessedKeys?.[table()]?.Keys as ItemKey[] | undefined;
    }
  }
  return found;
}

/** Write a whole item (PutItem), optionally under a condition. @throws ConditionalCheckFailedException */
export async function putItem(item: StoredItem, condition?: Condition): Promise<void> {
  await documentClient().send(
    new PutCommand({ TableName: table(), Item: stamped(item), ...conditionParts(condition) }),
  );
}

/**
 * Update an item (UpdateItem).
 * @returns the item after the update when `returnNew`, else `undefined`; `false` when the condition failed
 */
export async function updateItem<T>(
  key: ItemKey,
  update: Update,
  options: { condition?: Condition; returnNew?: boolean } = {},
): Promise<T | undefined | false> {
  try {
    const { Attributes } = await documentClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: key,
        ...updateExpression(update, options.condition),
        ...(options.returnNew ? { ReturnValues: 'ALL_NEW' } : {}),
      }),
    );
    return Attributes as T | undefined;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** Delete an item (DeleteItem); deleting a missing item succeeds. */
export async function deleteItem(key: ItemKey): Promise<void> {
  await documentClient().send(new DeleteCommand({ TableName: table(), Key: key }));
}

/** A query: a partition of the table or of an index, optionally narrowed by its sort key. */
export interface QuerySpec {
  /** Index name (`gsi1`...), or the table. */
  readonly index?: string;
  /** Partition key attribute and value, e.g. `{ gsi1pk: 'TICKETS#3' }` or `{ pk: 'TICKET#...' }`. */
  readonly partition: Readonly<Record<string, string>>;
  /** Sort key attribute and the prefix its values must start with. */
  readonly beginsWith?: readonly [attribute: string, prefix: string];
  /** Newest first (descending sort key). */
  readonly descending?: boolean;
  /** Items per page. */
  readonly limit: number;
  /** Where the previous page stopped (its `lastKey`). */
  readonly startKey?: Readonly<Record<string, unknown>> | undefined;
  /** Strongly consistent (tables only). */
  readonly consistent?: boolean;
}

/** One page of a query (Query): at most `limit` items, and where it stopped when more may follow. */
export async function queryPage<T>(
  spec: QuerySpec,
): Promise<{ items: T[]; lastKey: Record<string, unknown> | undefined }> {
  const [[pkName, pkValue]] = Object.entries(spec.partition) as [[string, string]];
  const names: Record<string, string> = { '#p': pkName };
  const values: Record<string, unknown> = { ':p': pkValue };
  let expression = '#p = :p';
  if (spec.beginsWith) {
    names['#s'] = spec.beginsWith[0];
    values[':s'] = spec.beginsWith[1];
    expression += ' AND begins_with(#s, :s)';
  }
  const input: QueryCommandInput = {
    TableName: table(),
    ...(spec.index ? { IndexName: spec.index } : {}),
    KeyConditionExpression: expression,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    Limit: spec.limit,
    ScanIndexForward: !spec.descending,
    ...(spec.startKey ? { ExclusiveStartKey: spec.startKey } : {}),
    ...(spec.consistent ? { ConsistentRead: true } : {}),
  };
  const { Items, LastEvaluatedKey } = await documentClient().send(new QueryCommand(input));
  return { items: (Items ?? []) as T[], lastKey: LastEvaluatedKey };
}

/** One write of a transaction. */
export type TransactionWrite =
  | { readonly put: StoredItem; readonly condition?: Condition }
  | { readonly update: ItemKey; readonly changes: Update; readonly condition?: Condition }
  | { readonly delete: ItemKey; readonly condition?: Condition }
  | { readonly check: ItemKey; readonly condition: Condition };

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

function transactItem(write: TransactionWrite): TransactItem {
  if ('put' in write) {
    return { Put: { TableName: table(), Item: stamped(write.put), ...conditionParts(write.condition) } };
  }
  if ('update' in write) {
    return {
      Update: { TableName: table(), Key: write.update, ...updateExpression(write.changes, write.condition) },
    };
  }
  if ('delete' in write) {
    return { Delete: { TableName: table(), Key: write.delete, ...conditionParts(write.condition) } };
  }
  return {
    ConditionCheck: {
      TableName: table(),
      Key: write.check,
      ConditionExpression: write.condition.expression,
      ...conditionParts(write.condition),
    },
  };
}

/**
 * Write items all together or not at all (TransactWriteItems, up to 100 writes).
 * @returns `{ ok: true }`, or `{ ok: false, reasons }` when a condition failed or another transaction conflicted
 *   (`reasons[i]` is the cancellation code of write `i`, e.g. `ConditionalCheckFailed`, `None`)
 */
export async function transactWrite(
  writes: readonly TransactionWrite[],
): Promise<{ ok: true } | { ok: false; reasons: string[] }> {
  try {
    await documentClient().send(new TransactWriteCommand({ TransactItems: writes.map(transactItem) }));
    return { ok: true };
  } catch (error) {
    const canceled = error as { name?: string; CancellationReasons?: { Code?: string }[] };
    if (canceled.name !== 'TransactionCanceledException') throw error;
    return {
      ok: false,
      reasons: (canceled.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None'),
    };
  }
}
