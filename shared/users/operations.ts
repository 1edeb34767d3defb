/**
 * User operations over the table (and Cognito for what signs in): read a profile with its tickets, list and find
 * users, create an account of any role, change and disable one. Plain values in, domain errors out. Profile
 * writes that change a role also change the roles' `usersCount` in the same transaction, and every write sets the
 * index keys it alters (`userIndexKeyChanges`), so lists never disagree with profiles.
 */
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import {
  attributesEqual,
  both,
  type Condition,
  itemExists,
  itemIsNew,
  queryPage,
  type TransactionWrite,
  transactWrite,
} from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { Conflict, InvalidInput, NotAllowed, RateLimited } from '#shared/platform/errors.ts';
import { logger } from '#shared/platform/logger.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { UnknownRole } from '#shared/roles/errors.ts';
import { requireRole } from '#shared/roles/operations.ts';
import { roleKey } from '#shared/roles/role.entity.ts';
import { isBuiltInRole } from '#shared/roles/roles.ts';
import { canSeeTicket } from '#shared/tickets/policy.ts';
import { assigneeTicketsPartition, requesterTicketsPartition } from '#shared/tickets/ticket.entity.ts';
import { type People, type TicketSummary, ticketPeopleIds } from '#shared/tickets/views.ts';
import {
  accountOfEmail,
  changeOwnPassword,
  createCognitoUser,
  deleteAccount,
  moveRoleGroup,
  setAccountEnabled,
  updateAccountAttributes,
} from '#shared/users/accounts.ts';
import { takeCooldown } from '#shared/users/cooldown.entity.ts';
import { emailCodeKey, mailEmailCode, newEmailCode } from '#shared/users/email-verification.ts';
import { UserNotFound } from '#shared/users/errors.ts';
import { canListUsers, canSeeUser, userChangeRefusal } from '#shared/users/policy.ts';
import { findUser, findUsers } from '#shared/users/profiles.ts';
import type {
  ApproversQueryInput,
  CreateUserInput,
  ListUsersQueryInput,
  ReplaceUserInput,
  UpdateUserInput,
} from '#shared/users/schemas.ts';
import {
  allUsersPartition,
  nameKey,
  namesPartition,
  roleUsersPartition,
  type UserItem,
  userIndexKeyChanges,
  userKey,
  userListShards,
  userRecord,
} from '#shared/users/user.entity.ts';
import { profileTicketsPage, type UserSummary } from '#shared/users/views.ts';

export interface Page<T> {
  readonly items: T[];
  /** Opaque cursor of the next page, or null at the end. */
  readonly nextCursor: string | null;
}

/**
 * The user, if the actor may see them (one strongly consistent GetItem).
 * @throws UserNotFound when they do not exist or the actor may not see them (the same answer)
 */
export async function findVisibleUser(actor: Actor, userId: string): Promise<UserItem> {
  if (!canSeeUser(actor, userId)) throw new UserNotFound();
  const user = await findUser(userId, { consistent: true });
  if (!user) throw new UserNotFound();
  return user;
}

/** The first page (at most {@link profileTicketsPage}) of one of a user's ticket lists, and whether more follow. */
export interface TicketsOfUser {
  readonly items: TicketSummary[];
  readonly more: boolean;
}

export interface UserProfile {
  readonly user: UserItem;
  /** Tickets the user opened, newest first (gsi2 `REQUESTER#<id>`). */
  readonly createdTickets: TicketsOfUser;
  /** Tickets assigned to the user, newest first (gsi3 `ASSIGNEE#<id>`). */
  readonly assignedTickets: TicketsOfUser;
  /** The profiles of the people these tickets name, for their views. */
  readonly people: People;
}

/**
 * A user's profile with the first {@link profileTicketsPage} tickets they opened and of those assigned to them
 * (a GetItem and two Queries, in parallel, after the visibility check; then one BatchGetItem for the people the
 * tickets name). Only tickets the actor may see are shown.
 * @throws UserNotFound as {@link findVisibleUser}
 */
export async function readUserProfile(actor: Actor, userId: string): Promise<UserProfile> {
  if (!canSeeUser(actor, userId)) throw new UserNotFound();
  const page = (index: string, partition: Record<string, string>) =>
    queryPage<TicketSummary>({ index, partition, descending: true, limit: profileTicketsPage });
  const [user, created, assigned] = await Promise.all([
    findUser(userId, { consistent: true }),
    page('gsi2', requesterTicketsPartition(userId)),
    page('gsi3', assigneeTicketsPartition(userId)),
  ]);
  if (!user) throw new UserNotFound();
  const visible = (result: { items: TicketSummary[]; lastKey: unknown }): TicketsOfUser => ({
    items: result.items.filter((ticket) => canSeeTicket(actor, ticket)),
    more: result.lastKey !== undefined,
  });
  const createdTickets = visible(created);
  const assignedTickets = visible(assigned);
  const people = await findUsers(ticketPeopleIds([...createdTickets.items, ...assignedTickets.items]));
  return { user, createdTickets, assignedTickets, people };
}

/** Several partitions of one index read as one list, merged on its sort key. */
interface MergedList {
  readonly index: string;
  readonly partitions: readonly Readonly<Record<string, string>>[];
  readonly sortKey: string;
  readonly descending: boolean;
  readonly beginsWith?: readonly [attribute: string, prefix: string];
}

type IndexedItem = UserSummary & Record<string, unknown>;

/**
 * One page of a list spread over several index partitions (shards, or name directories): each partition read in
 * parallel (one Query, at most `limit` items), merged on the sort key, the first `limit` kept. The cursor holds,
 * per partition, the index key of the last item shown from it, or `null` once it is exhausted.
 */
async function mergedPage(
  list: MergedList,
  page: { limit: number; cursor?: string | undefined },
  scope: string,
): Promise<Page<IndexedItem>> {
  const positions = (
    page.cursor ? JSON.parse((await decodeCursor(page.cursor, scope)) as string) : {}
  ) as Record<string, Record<string, unknown> | null>;
  const reads = await Promise.all(
    list.partitions.map(async (partition, n) => {
      const position = positions[n];
      if (position === null) return { n, items: [] as IndexedItem[], more: false };
      const { items, lastKey } = await queryPage<IndexedItem>({
        index: list.index,
        partition,
        beginsWith: list.beginsWith,
        descending: list.descending,
        limit: page.limit,
        startKey: position,
      });
      return { n, items, more: lastKey !== undefined };
    }),
  );
  const order = list.descending ? -1 : 1;
  const merged = reads
    .flatMap(({ n, items }) => items.map((item) => ({ n, item })))
    .sort((a, b) => {
      const x = a.item[list.sortKey] as string | number;
      const y = b.item[list.sortKey] as string | number;
      return x < y ? -order : x > y ? order : 0;
    })
    .slice(0, page.limit);
  // Per partition: the index key of the last item shown from it, the previous position when none was shown, or
  // null when everything it holds has been shown.
  const next: Record<string, Record<string, unknown> | null> = {};
  for (const { n, items, more } of reads) {
    const partition = list.partitions[n] ?? {};
    const shown = merged.filter((entry) => entry.n === n);
    const last = shown.at(-1)?.item;
    if (positions[n] === null || (shown.length === items.length && !more)) next[n] = null;
    else if (last) {
      const [partitionKey] = Object.keys(partition);
      next[n] = {
        pk: last.pk,
        sk: last.sk,
        [partitionKey as string]: last[partitionKey as string],
        [list.sortKey]: last[list.sortKey],
      };
    } else if (positions[n] !== undefined) next[n] = positions[n];
  }
  const more =
    Object.keys(next).length < list.partitions.length || Object.values(next).some((p) => p !== null);
  return {
    items: merged.map(({ item }) => item),
    nextCursor: more ? await encodeCursor(JSON.stringify(next), scope) : null,
  };
}

const shards = Array.from({ length: userListShards }, (_, shard) => shard);

/**
 * Users for `canManageUsers` or `canViewAll`, each with role and tickets opened: by default everyone, most tickets
 * first (gsi4, its {@link userListShards} shards merged); `role`: that role's users, most tickets first (gsi5,
 * shards merged); `name`: users whose name starts so, by name (gsi6, both name directories merged). Never a scan.
 * `role` and `name` together are refused (no index serves both; a query string cannot state the exclusion in
 * its OpenAPI schema, so it is a 422 rather than a schema 400).
 * @throws NotAllowed without either flag; InvalidInput for `role` with `name`, an unknown role (naming it) or a
 *   cursor from another listing
 */
export async function listUsers(actor: Actor, query: ListUsersQueryInput): Promise<Page<IndexedItem>> {
  if (!canListUsers(actor)) throw new NotAllowed('Listing users needs canManageUsers or canViewAll.');
  if (query.role !== undefined && query.name !== undefined) {
    throw new InvalidInput([
      {
        in: 'query',
        pointer: '/name',
        detail: 'Filter by role or by name, not both: supported are none, ?role= and ?name=.',
      },
    ]);
  }
  if (query.name !== undefined) {
    const prefix = nameKey(query.name);
    const list: MergedList = {
      index: 'gsi6',
      partitions: [namesPartition('approver', prefix), namesPartition('user', prefix)],
      sortKey: 'gsi6sk',
      descending: false,
      beginsWith: ['gsi6sk', prefix],
    };
    return mergedPage(list, query, `users:name:${prefix}`);
  }
  if (query.role !== undefined) {
    const role = query.role;
    await requireRole(role, { in: 'query', pointer: '/role' });
    const list: MergedList = {
      index: 'gsi5',
      partitions: shards.map((shard) => roleUsersPartition(role, shard)),
      sortKey: 'ticketsCount',
      descending: true,
    };
    return mergedPage(list, query, `users:role:${role}`);
  }
  const list: MergedList = {
    index: 'gsi4',
    partitions: shards.map(allUsersPartition),
    sortKey: 'ticketsCount',
    descending: true,
  };
  return mergedPage(list, query, 'users:all');
}

/**
 * People who may approve (enabled agents and admins) whose name starts with `name`, by name: the approver
 * directory any signed-in user may search to name an approver (one Query on gsi6, `NAMES#approver#<first letter>`).
 * @throws InvalidInput for a cursor from another search
 */
export async function findApprovers(query: ApproversQueryInput): Promise<Page<IndexedItem>> {
  const prefix = nameKey(query.name);
  const list: MergedList = {
    index: 'gsi6',
    partitions: [namesPartition('approver', prefix)],
    sortKey: 'gsi6sk',
    descending: false,
    beginsWith: ['gsi6sk', prefix],
  };
  return mergedPage(list, query, `approvers:${prefix}`);
}

/** The writes that change the `usersCount` of custom roles when a user moves from one role to another. */
function roleCountWrites(from: string | undefined, to: string): TransactionWrite[] {
  if (from === to) return [];
  return [
    ...(isBuiltInRole(to)
      ? []
      : [{ update: roleKey(to), changes: { add: { usersCount: 1 } }, condition: itemExists }]),
    ...(from === undefined || isBuiltInRole(from)
      ? []
      : [{ update: roleKey(from), changes: { add: { usersCount: -1 } }, condition: itemExists }]),
  ];
}

/**
 * Create an account of any role (admins): the Cognito user with a temporary password (`createCognitoUser`), then
 * the profile and, for a custom role, its `usersCount` + 1 in one transaction (conditioned on the role still
 * existing). If the transaction fails the Cognito user is deleted again.
 * @returns the profile and the temporary password, which the user must replace at their first sign-in
 * @throws InvalidInput for an unknown role (naming it); Conflict when the email has an account
 */
export async function createUser(
  input: CreateUserInput,
): Promise<{ user: UserItem; temporaryPassword: string }> {
  const where = { in: 'body', pointer: '/role' } as const;
  await requireRole(input.role, where);
  const { userId, temporaryPassword } = await createCognitoUser(input);
  const user: UserItem = {
    userId,
    email: input.email.toLowerCase(),
    name: input.name,
    role: input.role,
    phone: input.phone,
    // A number is verified by its owner (an SMS code), never by whoever typed it in.
    ...(input.phone ? { phoneVerified: false } : {}),
    smsOptIn: input.smsOptIn ?? false,
    ticketsCount: 0,
    disabled: false,
    createdAt: nowIso(),
  };
  const result = await transactWrite([
    { put: userRecord(user), condition: itemIsNew },
    ...roleCountWrites(undefined, input.role),
  ]);
  if (!result.ok) {
    await deleteAccount(userId).catch((error: unknown) =>
      logger.error('Could not delete the Cognito user of a failed creation', { userId, error }),
    );
    if (result.reasons[1] === 'ConditionalCheckFailed') throw new UnknownRole(input.role, where);
    throw new Conflict('The account could not be created; retry.');
  }
  return { user, temporaryPassword };
}

/** The profile fields a change sets (`phone: null` removes it; a new email waits as `pendingEmail`). */
type ProfileChanges = {
  -readonly [K in 'name' | 'phone' | 'smsOptIn' | 'messageEmails' | 'role' | 'disabled']?: K extends 'phone'
    ? string | null
    : UserItem[K];
};

/** The condition that the fields the index keys and role counts derive from are still as read. */
function unchangedSince(user: UserItem): Condition {
  const disabled: Condition = user.disabled
    ? attributesEqual({ disabled: true })
    : {
        expression: 'attribute_not_exists(#dis) OR #dis = :notDisabled',
        names: { '#dis': 'disabled' },
        values: { ':notDisabled': false },
      };
  return both(attributesEqual({ role: user.role, name: user.name }), disabled);
}

/**
 * Change a user's profile and account, as the actor may (`userChangeRefusal`): PATCH semantics, or with `replace`
 * PUT semantics (`phone` left out is removed; `messageEmails`, `role`, `disabled` and `password` change only when
 * sent). In order: the checks (role exists, email free); the password (Cognito `ChangePassword` with the caller's
 * access token and current password); for a new email, the code mailed to it; the Cognito name and enabled state;
 * then the profile with its index keys, the roles' `usersCount` and the email code in one transaction conditioned
 * on the profile being as read (if it fails, the Cognito changes are undone); then the Cognito group of a
 * built-in role. Disabling stamps `sessionsRevokedAt`, so the user's tokens are refused from the next request.
 *
 * A new email does not take effect here, whoever sends it (the user or `canManageUsers`): the profile keeps its
 * verified `email`, which still signs in and gets every mail, stores the new one as `pendingEmail`, and a 6-digit
 * code goes to the new address (`email-verification.ts`; one per user per minute); the user switches with
 * `POST /me/email/verify`. Sending the new address again mails a new code; sending the current one cancels a
 * pending change (the code is deleted). The user id (Cognito `sub`) never changes.
 * @param target the user as read by {@link findVisibleUser}
 * @param accessToken the caller's access token (needed to change their own password)
 * @returns the user after the change
 * @throws NotAllowed for a field the actor may not change; InvalidInput for an unknown role or a wrong current
 *   password; Conflict when the email has another account or the profile changed concurrently; RateLimited when a
 *   code went out less than a minute ago, Error when SES refuses the code mail (either way the profile and the
 *   Cognito attributes stay as they were; a password sent along is changed already)
 */
export async function changeUser(
  actor: Actor,
  target: UserItem,
  input: UpdateUserInput | ReplaceUserInput,
  options: { replace?: boolean; accessToken?: string | undefined } = {},
): Promise<UserItem> {
  const changes: ProfileChanges = {};
  /** The address that is to wait for its code, or `null` when a pending change is canceled. */
  let pendingEmail: string | null | undefined;
  const sent = { ...input, ...(options.replace && input.phone === undefined ? { phone: null } : {}) };
  for (const field of ['name', 'email', 'phone', 'smsOptIn', 'messageEmails', 'role', 'disabled'] as const) {
    const value =
      field === 'messageEmails' ? ('messageEmails' in sent ? sent.messageEmails : undefined) : sent[field];
    if (value === undefined) continue;
    const current =
      field === 'phone'
        ? (target.phone ?? null)
        : field === 'disabled'
          ? target.disabled === true
          : field === 'messageEmails'
            ? target.messageEmails !== false
            : target[field];
    const normalized = field === 'email' && typeof value === 'string' ? value.toLowerCase() : value;
    const unchanged = normalized === current;
    // A role or disabled state sent as it is needs no permission (a PUT of one's own profile may carry them);
    // any other field does, changed or not, so a caller who may not edit this user is refused every time.
    const refusal =
      unchanged && (field === 'role' || field === 'disabled')
        ? undefined
        : userChangeRefusal(actor, target.userId, field);
    if (refusal) throw new NotAllowed(refusal);
    if (field === 'email') {
      if (!unchanged) pendingEmail = normalized as string;
      else if (target.pendingEmail !== undefined) pendingEmail = null;
      continue;
    }
    if (!unchanged) (changes as Record<string, unknown>)[field] = normalized;
  }
  if (input.password !== undefined) {
    const refusal = userChangeRefusal(actor, target.userId, 'password');
    if (refusal) throw new NotAllowed(refusal);
  }
  if (changes.role !== undefined) await requireRole(changes.role, { in: 'body', pointer: '/role' });
  if (typeof pendingEmail === 'string') {
    const owner = await accountOfEmail(pendingEmail);
    if (owner && owner !== target.userId) throw new Conflict('An account with this email exists.');
  }
  if (input.password !== undefined) {
    if (!options.accessToken) throw new NotAllowed('Changing a password needs your access token.');
    await changeOwnPassword(options.accessToken, input.currentPassword ?? '', input.password);
  }
  if (Object.keys(changes).length === 0 && pendingEmail === undefined) return target;

  // The code leaves before the profile or Cognito changes: a refused mail, or a code within the minute, leaves
  // them as they were.
  const emailCode = typeof pendingEmail === 'string' ? newEmailCode(target.userId, pendingEmail) : undefined;
  if (emailCode && typeof pendingEmail === 'string') {
    if (!(await takeCooldown('email-code', target.userId)))
      throw new RateLimited('A code was mailed less than a minute ago; wait and retry.');
    await mailEmailCode(pendingEmail, emailCode.code);
  }
  const undo: (() => Promise<void>)[] = [];
  if (changes.name !== undefined) {
    await updateAccountAttributes(target.userId, { name: changes.name });
    undo.push(() => updateAccountAttributes(target.userId, { name: target.name }));
  }
  if (changes.disabled !== undefined) {
    await setAccountEnabled(target.userId, !changes.disabled);
    undo.push(() => setAccountEnabled(target.userId, target.disabled !== true));
  }
  const now = nowIso();
  const set: Record<string, unknown> = {
    ...changes,
    ...(changes.phone === null ? { phone: undefined, phoneVerified: undefined } : {}),
    // A new number gets no SMS until its owner sends back the code (`phone-verification.ts`).
    ...(typeof changes.phone === 'string' ? { phoneVerified: false } : {}),
    ...(changes.disabled === true ? { sessionsRevokedAt: now } : {}),
    ...(pendingEmail !== undefined ? { pendingEmail: pendingEmail ?? undefined } : {}),
    updatedAt: now,
  };
  const after = { ...target, ...set } as UserItem;
  const roleWrites = changes.role === undefined ? [] : roleCountWrites(target.role, changes.role);
  const result = await transactWrite([
    {
      update: userKey(target.userId),
      changes: { set: { ...set, ...userIndexKeyChanges(target, after) } },
      condition: unchangedSince(target),
    },
    ...roleWrites,
    // Last, so that `reasons[1]` stays the role write's.
    ...(emailCode ? [{ put: emailCode.record }] : []),
    ...(pendingEmail === null ? [{ delete: emailCodeKey(target.userId) }] : []),
  ]);
  if (!result.ok) {
    for (const step of undo.reverse()) {
      await step().catch((error: unknown) =>
        logger.error('Could not undo a Cognito change after a failed profile write', {
          userId: target.userId,
          error,
        }),
      );
    }
    if (
      changes.role !== undefined &&
      !isBuiltInRole(changes.role) &&
      result.reasons[1] === 'ConditionalCheckFailed'
    ) {
      throw new UnknownRole(changes.role, { in: 'body', pointer: '/role' });
    }
    throw new Conflict('The user changed while you were editing them; read them again and retry.');
  }
  if (changes.role !== undefined) {
    // The group only mirrors the role for token consumers: the API reads the profile, which is already right.
    await moveRoleGroup(target.userId, target.role, changes.role).catch((error: unknown) =>
      logger.warn('Could not move the user to the Cognito group of their new role', {
        userId: target.userId,
        error,
      }),
    );
  }
  return after;
}

/**
 * Disable a user (`DELETE /users/{userId}`): Cognito sign-in disabled, profile `disabled` and `sessionsRevokedAt`
 * (their tokens are refused from the next request). Their tickets, comments and history stay, attributed to them.
 * Disabling a disabled user changes nothing.
 * @throws UserNotFound; NotAllowed for one's own account
 */
export async function disableUser(actor: Actor, userId: string): Promise<UserItem> {
  const target = await findVisibleUser(actor, userId);
  if (target.disabled) return target;
  return changeUser(actor, target, { disabled: true });
}
