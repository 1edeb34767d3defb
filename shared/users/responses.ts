/**
 * What this feature's routes answer, for the OpenAPI document and the contract tests: each route's success body
 * schema (the views are typed by these) and an example of its request and its response. Only the document
 * generator (`shared/api-document.ts`) and the tests import this module, so no function bundle carries it.
 *
 * Users embed the role's `Permissions` (`shared/roles/responses.ts`) and, on a profile, `TicketSummary`
 * (`shared/tickets/responses.ts`); the `Person` a ticket or comment names is in `shared/comments/responses.ts`.
 */
import * as z from 'zod/mini';
import { isoTime } from '#shared/comments/responses.ts';
import { nextCursor } from '#shared/platform/responses.ts';
import { documented, type RouteResponses } from '#shared/platform/route-table.ts';
import { UserId } from '#shared/platform/schemas.ts';
import { PermissionsView } from '#shared/roles/responses.ts';
import { builtInRoles, signUpRole } from '#shared/roles/roles.ts';
import { RoleName } from '#shared/roles/schemas.ts';
import { TicketSummaryView } from '#shared/tickets/responses.ts';
import type { userRoutes } from '#shared/users/routes.ts';
import {
  type ConfirmSignUpBody,
  type CreateUserBody,
  type EmailCodeBody,
  e164,
  email,
  type LogInBody,
  type LogOutBody,
  type NewPasswordBody,
  type PhoneCodeBody,
  type PhoneCodeSendBody,
  type RefreshBody,
  type ReplaceUserBody,
  type ResendCodeBody,
  type SignUpBody,
  type UpdateUserBody,
} from '#shared/users/schemas.ts';
import { profileTicketsPage } from '#shared/users/views.ts';

/** A person's name as stored: 1 to 100 characters, trimmed (no whitespace at either end). */
const name = () => z.string().check(z.minLength(1), z.maxLength(100), z.regex(/^\S(?:[\s\S]*\S)?$/));

/** Tickets a user opened: a non-negative integer (the ticket create adds 1). */
const ticketsCount = () =>
  z.int().check(z.gte(0), z.lte(2_147_483_647), z.meta({ description: 'Tickets this user opened' }));

/** `nextCursor` of a user list: the `cursor` it takes back holds at most 4,096 characters (`shared/users/schemas.ts`). */
const userListCursor = 4096;

/** A JSON Web Token Cognito issued: three base64url parts joined by dots. */
const jwt = (description: string) =>
  z
    .string()
    .check(
      z.maxLength(8192),
      z.regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/),
      z.meta({ description }),
    );

/** Whether the phone number was verified with an SMS code; SMS go only to a verified number. */
const phoneVerified = () =>
  z.boolean().check(
    z.meta({
      description:
        'The phone number was verified with an SMS code (POST /me/phone/code, then POST /me/phone/verify); ' +
        'no SMS goes to it before. False without a number',
    }),
  );

/** A new address waiting for the code mailed to it; null when none waits. */
const pendingEmail = () =>
  z.nullable(email()).check(
    z.meta({
      description:
        'A new address that waits for the code mailed to it (POST /me/email/verify): until then email signs in ' +
        'and gets every mail. Null when none waits',
    }),
  );

/** What every user list shows of a user (`userSummaryView`). */
const summaryShape = {
  userId: UserId,
  name: name(),
  email: email(),
  role: RoleName,
  ticketsCount: ticketsCount(),
  disabled: z
    .boolean()
    .check(z.meta({ description: 'A disabled user can neither sign in nor call the API' })),
  createdAt: isoTime('When the account was created (ISO 8601, UTC)'),
};

/** A user in a list (`GET /users`). */
export const UserSummaryView = /* @__PURE__ */ (() =>
  z
    .object(summaryShape)
    .check(
      z.meta({ id: 'UserSummary', description: 'A user as a list shows them: role and tickets opened' }),
    ))();

/** A user's profile (`userView`): the summary with contact details. */
const userShape = {
  ...summaryShape,
  pendingEmail: pendingEmail(),
  phone: z.nullable(e164()).check(z.meta({ description: 'E.164 number for SMS; null when none' })),
  smsOptIn: z.boolean().check(z.meta({ description: 'Agreed to SMS (sent only with a phone number too)' })),
  phoneVerified: phoneVerified(),
  updatedAt: isoTime('When the profile last changed; createdAt until then (ISO 8601, UTC)'),
};

/** A user's profile (`PATCH`, `PUT /users/{userId}`). */
export const UserView = /* @__PURE__ */ (() =>
  z
    .object(userShape)
    .check(z.meta({ id: 'User', description: 'A user: profile, role and account state' })))();

/** `POST /users`: the new user and their temporary password, shown this once. */
export const NewUserView = /* @__PURE__ */ (() =>
  z
    .object({
      ...userShape,
      temporaryPassword: z.string().check(
        z.length(16),
        z.regex(/^[A-HJ-NP-Za-km-z2-9_.!#%-]{16}$/),
        z.meta({
          description:
            'Shown once: 16 characters with an upper-case letter, a lower-case letter, a digit and one of - _ . ! # %. ' +
            'The first /auth/login with it answers 409 NEW_PASSWORD_REQUIRED (valid 3 days).',
        }),
      ),
    })
    .check(
      z.meta({ id: 'NewUser', description: 'A user an admin created, with their temporary password' }),
    ))();

/** `POST /auth/signup`: the account just created, always a requester. */
export const NewAccountView = /* @__PURE__ */ (() =>
  z
    .object({
      userId: UserId,
      email: email(),
      name: name(),
      role: z.literal(signUpRole).check(z.meta({ description: 'Self sign-up always makes a requester' })),
    })
    .check(
      z.meta({
        id: 'NewAccount',
        description:
          'The account self sign-up created; log in next. For an email that already has an account, the same ' +
          'shape with a userId that names no account (sign-up does not reveal who has an account)',
      }),
    ))();

/** Cognito tokens (`POST /auth/login`, `/auth/password`, `/auth/refresh`). */
export const TokensView = /* @__PURE__ */ (() =>
  z
    .object({
      accessToken: jwt('Send it as Authorization: Bearer <accessToken>'),
      idToken: jwt("The Cognito ID token (the user's claims)"),
      refreshToken: z.string().check(
        z.maxLength(8192),
        z.regex(/^[A-Za-z0-9_=.-]+$/),
        z.meta({
          description: 'For /auth/refresh and /auth/logout; /auth/refresh answers the one it was given',
        }),
      ),
      expiresIn: z
        .int()
        .check(
          z.gte(1),
          z.lte(86_400),
          z.meta({ description: 'Seconds the access token is valid (3600 by default)' }),
        ),
      tokenType: z.literal('Bearer'),
    })
    .check(z.meta({ id: 'Tokens', description: 'Cognito tokens: send accessToken as a Bearer token' })))();

/** `GET /me`: the caller's profile with role and permission flags. */
export const MeView = /* @__PURE__ */ (() =>
  z
    .object({
      userId: UserId,
      email: z.nullable(email()),
      pendingEmail: pendingEmail(),
      name: z.nullable(name()),
      phone: z.nullable(e164()),
      smsOptIn: z.boolean(),
      phoneVerified: phoneVerified(),
      messageEmails: z.boolean().check(
        z.meta({
          description:
            'Mailed a digest of direct messages that wait unread (PATCH /users/{userId} to change)',
        }),
      ),
      role: RoleName,
      permissions: PermissionsView,
      ticketsCount: ticketsCount(),
    })
    .check(
      z.meta({
        id: 'Me',
        description:
          'The caller: profile, role and its flags (email and name null only if the profile vanished meanwhile)',
      }),
    ))();

/** `POST /me/phone/code`: where the code went and until when it is valid. */
export const PhoneCodeSentView = /* @__PURE__ */ (() =>
  z
    .object({
      phone: e164().check(z.meta({ description: 'The number the code was sent to' })),
      expiresAt: isoTime('Until when the code is valid (ISO 8601, UTC): 10 minutes'),
    })
    .check(z.meta({ id: 'PhoneCodeSent', description: 'An SMS code is on its way to your number' })))();

/** `GET /users`: a page of users. */
export const UserPageView = /* @__PURE__ */ (() =>
  z
    .object({
      items: z.array(UserSummaryView).check(z.maxLength(100)),
      nextCursor: nextCursor(userListCursor),
    })
    .check(z.meta({ id: 'UserPage', description: 'A page of users (at most `limit`)' })))();

/** The first tickets of one of a user's lists, newest first, and whether the list goes on. */
const UserTicketsView = /* @__PURE__ */ (() =>
  z
    .object({
      items: z.array(TicketSummaryView).check(z.maxLength(profileTicketsPage)),
      more: z.boolean().check(
        z.meta({
          description: 'Whether more follow: GET /tickets?requesterId= or ?assigneeId= lists them all',
        }),
      ),
    })
    .check(
      z.meta({
        id: 'UserTickets',
        description: `The first ${profileTicketsPage} tickets of a user's list the caller may see, newest first`,
      }),
    ))();

/** `GET /users/{userId}`: the profile with the first tickets the user opened and of those assigned to them. */
export const UserProfileView = /* @__PURE__ */ (() =>
  z.object({ ...userShape, createdTickets: UserTicketsView, assignedTickets: UserTicketsView }).check(
    z.meta({
      id: 'UserProfile',
      description: 'A user with the first tickets they opened (createdTickets) and of those assigned to them',
    }),
  ))();

/** Someone who may approve (an enabled agent or admin), as anyone signed in may find them. */
export const ApproverView = /* @__PURE__ */ (() =>
  z
    .object({ userId: UserId, name: name(), email: email() })
    .check(z.meta({ id: 'Approver', description: 'Someone who may approve: id, name and email only' })))();

/** `GET /approvers`: a page of approvers, by name. */
export const ApproverPageView = /* @__PURE__ */ (() =>
  z
    .object({ items: z.array(ApproverView).check(z.maxLength(100)), nextCursor: nextCursor(userListCursor) })
    .check(z.meta({ id: 'ApproverPage', description: 'A page of approvers, by name (at most `limit`)' })))();

const nora = {
  userId: '8f14e45f-ceea-4e7a-9b1c-2f5d7c3a9e01',
  name: 'Nora Agent',
  email: 'nora@example.com',
  role: 'agent',
  ticketsCount: 0,
  disabled: false,
  createdAt: '2024-05-01T10:00:05.700Z',
  pendingEmail: null,
  phone: '+15555550142',
  smsOptIn: true,
  phoneVerified: false,
  updatedAt: '2024-05-01T10:00:05.700Z',
} satisfies z.output<typeof UserView>;

const sam = {
  userId: '3c59dc04-8e91-4a7b-b2b4-6f1d0c2e7a55',
  name: 'Sam Requester',
  email: 'sam@example.com',
  role: 'requester',
  ticketsCount: 3,
  disabled: false,
  createdAt: '2024-04-22T08:30:00.000Z',
  pendingEmail: null,
  phone: null,
  smsOptIn: false,
  phoneVerified: false,
  updatedAt: '2024-05-02T16:45:12.318Z',
} satisfies z.output<typeof UserView>;

const summaryOf = ({
  pendingEmail: _pendingEmail,
  phone: _phone,
  smsOptIn: _smsOptIn,
  phoneVerified: _phoneVerified,
  updatedAt: _updatedAt,
  ...summary
}: z.output<typeof UserView>): z.output<typeof UserSummaryView> => summary;

const tokens = {
  accessToken: 'eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiIzYzU5ZGMwNCJ9.c2lnbmF0dXJl',
  idToken: 'eyJraWQiOiJrMiIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiIzYzU5ZGMwNCIsIm5hbWUiOiJTYW0ifQ.c2lnbmF0dXJl',
  refreshToken: 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.c2Vzc2lvbg.aXY.Y2lwaGVy.dGFn',
  expiresIn: 3600,
  tokenType: 'Bearer',
} as const satisfies z.output<typeof TokensView>;

const ticket = {
  ticketId: '01HZX3K8Q4M7N2P5R6S9T0V1W2',
  number: 42,
  title: 'Docking station dead',
  type: 'incident',
  priority: 'medium',
  status: 'in_progress',
  requesterId: sam.userId,
  assigneeId: nora.userId,
  approverId: null,
  requester: { userId: sam.userId, name: sam.name, email: sam.email },
  assignee: { userId: nora.userId, name: nora.name, email: nora.email },
  approver: null,
  category: 'hardware',
  tags: ['dock'],
  createdAt: '2024-05-02T09:15:00.000Z',
} satisfies z.output<typeof TicketSummaryView>;

export const userResponses: RouteResponses<(typeof userRoutes)[number]> = {
  SignUp: documented(NewAccountView, {
    request: {
      email: 'sam@example.com',
      password: 'Str0ng-pass-word',
      name: 'Sam Requester',
      phone: '+15555550100',
      smsOptIn: true,
    } satisfies z.input<typeof SignUpBody>,
    example: { userId: sam.userId, email: sam.email, name: sam.name, role: signUpRole },
  }),
  ConfirmSignUp: documented(undefined, {
    request: { email: 'sam@example.com', code: '123456' } satisfies z.input<typeof ConfirmSignUpBody>,
  }),
  ResendConfirmationCode: documented(undefined, {
    request: { email: 'sam@example.com' } satisfies z.input<typeof ResendCodeBody>,
  }),
  RequestPhoneCode: documented(PhoneCodeSentView, {
    request: {} satisfies z.input<typeof PhoneCodeSendBody>,
    example: { phone: '+15555550111', expiresAt: '2024-05-03T11:30:31.004Z' },
  }),
  VerifyPhone: documented(UserView, {
    request: { code: '123456' } satisfies z.input<typeof PhoneCodeBody>,
    example: {
      ...sam,
      phone: '+15555550111',
      smsOptIn: true,
      phoneVerified: true,
      updatedAt: '2024-05-03T11:21:02.310Z',
    },
  }),
  VerifyEmail: documented(UserView, {
    request: { code: '123456' } satisfies z.input<typeof EmailCodeBody>,
    example: { ...sam, email: 'sam.requester@example.com', updatedAt: '2024-05-03T11:24:40.112Z' },
  }),
  LogIn: documented(TokensView, {
    request: { email: 'sam@example.com', password: 'Str0ng-pass-word' } satisfies z.input<typeof LogInBody>,
    example: tokens,
  }),
  SetNewPassword: documented(TokensView, {
    request: {
      session:
        'eyJ1Ijoibm9yYUBleGFtcGxlLmNvbSIsInMiOiJBWUFCZUc0In0.0vJ8rS2mV6dQ1pN4kX7yZ3aB5cE9fH0jL2nP4rT6uW8',
      newPassword: 'Own-pass-w0rd',
    } satisfies z.input<typeof NewPasswordBody>,
    example: tokens,
  }),
  RefreshTokens: documented(TokensView, {
    request: { refreshToken: tokens.refreshToken } satisfies z.input<typeof RefreshBody>,
    example: {
      ...tokens,
      accessToken: 'eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiIzYzU5ZGMwNCIsImlhdCI6MTcxNDU1ODQwMH0.c2ln',
    },
  }),
  LogOut: documented(undefined, {
    request: { refreshToken: tokens.refreshToken } satisfies z.input<typeof LogOutBody>,
  }),
  GetMe: documented(MeView, {
    example: {
      userId: sam.userId,
      email: sam.email,
      pendingEmail: null,
      name: sam.name,
      phone: null,
      smsOptIn: false,
      phoneVerified: false,
      messageEmails: true,
      role: 'requester',
      permissions: builtInRoles.requester,
      ticketsCount: 3,
    },
  }),
  CreateUser: documented(NewUserView, {
    request: {
      email: 'nora@example.com',
      name: 'Nora Agent',
      role: 'agent',
      phone: '+15555550142',
      smsOptIn: true,
    } satisfies z.input<typeof CreateUserBody>,
    example: { ...nora, temporaryPassword: 'q7K-mX2p!Rf9tZ#a' },
  }),
  ListUsers: documented(UserPageView, {
    example: {
      items: [summaryOf(sam), summaryOf(nora)],
      nextCursor:
        'eyJwIjoie1wiMFwiOm51bGx9IiwicyI6InVzZXJzOmFsbCJ9.mC3v9Qx1Lr7sT0pZ2yWb5nE8hK4dJ6fA1gU3iO9eR0c',
    },
  }),
  GetUser: documented(UserProfileView, {
    example: {
      ...sam,
      createdTickets: { items: [ticket], more: false },
      assignedTickets: { items: [], more: false },
    },
  }),
  UpdateUser: documented(UserView, {
    request: { name: 'Sam Q. Requester', phone: '+15555550111', smsOptIn: true } satisfies z.input<
      typeof UpdateUserBody
    >,
    example: {
      ...sam,
      name: 'Sam Q. Requester',
      phone: '+15555550111',
      smsOptIn: true,
      updatedAt: '2024-05-03T11:20:31.004Z',
    },
  }),
  ReplaceUser: documented(UserView, {
    request: {
      name: 'Sam Requester',
      email: 'sam.requester@example.com',
      smsOptIn: false,
    } satisfies z.input<typeof ReplaceUserBody>,
    example: { ...sam, pendingEmail: 'sam.requester@example.com', updatedAt: '2024-05-03T11:22:09.517Z' },
  }),
  DeleteUser: documented(undefined),
  ListApprovers: documented(ApproverPageView, {
    example: { items: [{ userId: nora.userId, name: nora.name, email: nora.email }], nextCursor: null },
  }),
};
