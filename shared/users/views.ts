/**
 * What the API shows of a user. Each view's type is its schema's output (`responses.ts`; `Person` in
 * `shared/comments/responses.ts`), imported as a type only, so no bundle carries the schemas.
 */
import type * as z from 'zod/mini';
import type { PersonView } from '#shared/comments/responses.ts';
import type { Actor } from '#shared/roles/actor.ts';
import type { ApproverView, MeView, UserSummaryView, UserView } from '#shared/users/responses.ts';
import type { UserItem } from '#shared/users/user.entity.ts';

/** Whether a profile has a phone number SMS may go to: one that is not awaiting its code (`phoneVerified: false`). */
export const phoneIsVerified = (user: Pick<UserItem, 'phone' | 'phoneVerified'> | undefined) =>
  Boolean(user?.phone) && user?.phoneVerified !== false;

/** Tickets shown with a profile, per list; the rest through `GET /tickets?requesterId=` / `?assigneeId=`. */
export const profileTicketsPage = 10;

/**
 * The caller's own profile with role and permission flags (`GET /me`). `email` and `name` are null, `smsOptIn`
 * false and `ticketsCount` 0 only if the profile vanished between the actor check and this read.
 */
export function meView(actor: Actor, profile: UserItem | undefined): z.output<typeof MeView> {
  return {
    userId: actor.userId,
    email: profile?.email ?? null,
    pendingEmail: profile?.pendingEmail ?? null,
    name: profile?.name ?? null,
    phone: profile?.phone ?? null,
    smsOptIn: profile?.smsOptIn ?? false,
    phoneVerified: phoneIsVerified(profile),
    messageEmails: profile?.messageEmails !== false,
    role: actor.role,
    permissions: actor.permissions,
    ticketsCount: profile?.ticketsCount ?? 0,
  };
}

/** What a user list shows (what the user indexes project: `userProjection` in `shared/platform/table.ts`). */
export type UserSummary = Pick<
  UserItem,
  'userId' | 'email' | 'name' | 'role' | 'ticketsCount' | 'disabled' | 'createdAt'
>;

/** A user in a list (`GET /users`): role and tickets opened. */
export function userSummaryView(user: UserSummary): z.output<typeof UserSummaryView> {
  return {
    userId: user.userId,
    name: user.name,
    email: user.email,
    role: user.role,
    ticketsCount: user.ticketsCount ?? 0,
    disabled: user.disabled === true,
    createdAt: user.createdAt,
  };
}

/** A user's profile (`GET`, `PATCH`, `PUT /users/{userId}`, `POST /users`). */
export function userView(user: UserItem): z.output<typeof UserView> {
  return {
    ...userSummaryView(user),
    pendingEmail: user.pendingEmail ?? null,
    phone: user.phone ?? null,
    smsOptIn: user.smsOptIn,
    phoneVerified: phoneIsVerified(user),
    updatedAt: user.updatedAt ?? user.createdAt,
  };
}

/**
 * A person a ticket or comment names, as others see them: id, name and email (`null` when their profile is not
 * found); `null` when no one is named.
 */
export function personView(
  userId: string | undefined,
  people: ReadonlyMap<string, UserItem>,
): z.output<typeof PersonView> | null {
  if (!userId) return null;
  const user = people.get(userId);
  return { userId, name: user?.name ?? null, email: user?.email ?? null };
}

/** Someone who may approve, as the approver directory shows them to anyone signed in: id, name, email. */
export function approverView(
  user: Pick<UserItem, 'userId' | 'name' | 'email'>,
): z.output<typeof ApproverView> {
  return { userId: user.userId, name: user.name, email: user.email };
}
