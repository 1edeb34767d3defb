/**
 * Request schemas of the account and user routes. Bodies are strict: unknown fields are a 400 naming the field, so
 * a typo never silently does nothing, and a privileged field on self sign-up (`role`, `isStaff`, `isSuperuser`)
 * never takes effect. `zod/mini`, each schema built by a pure `defineSchema` call so a bundle keeps only those its
 * route uses (`shared/platform/schemas.ts`).
 */
import * as z from 'zod/mini';
import { defineSchema, UserId } from '#shared/platform/schemas.ts';
import { RoleName } from '#shared/roles/schemas.ts';

const e164 = () =>
  z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'Expected an E.164 phone number like +15555550100'));
const email = () => z.email().check(z.maxLength(254));
const personName = () => z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

/** Password rules of the user pool (min 8, upper, lower, digit); Cognito enforces them again. */
const password = () =>
  z
    .string()
    .check(
      z.minLength(8, 'At least 8 characters'),
      z.maxLength(256),
      z.regex(/[a-z]/, 'Needs a lower-case letter'),
      z.regex(/[A-Z]/, 'Needs an upper-case letter'),
      z.regex(/\d/, 'Needs a digit'),
    );
const anyPassword = () => z.string().check(z.minLength(1), z.maxLength(256));

export const SignUpBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      email: email(),
      password: password(),
      name: personName(),
      phone: z.optional(e164()),
      smsOptIn: z.optional(z.boolean()),
    })
    .check(z.meta({ id: 'SignUpRequest' })),
);
export type SignUpInput = z.output<typeof SignUpBody>;

export const LogInBody = /* @__PURE__ */ defineSchema(() =>
  z.strictObject({ email: email(), password: anyPassword() }).check(z.meta({ id: 'LogInRequest' })),
);
export type LogInInput = z.output<typeof LogInBody>;

export const RefreshBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({ refreshToken: z.string().check(z.minLength(1), z.maxLength(8192)) })
    .check(z.meta({ id: 'RefreshRequest' })),
);
export type RefreshInput = z.output<typeof RefreshBody>;

/** `POST /auth/logout`: the refresh token to revoke. */
export const LogOutBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({ refreshToken: z.string().check(z.minLength(1), z.maxLength(8192)) })
    .check(z.meta({ id: 'LogOutRequest' })),
);

/** `POST /auth/password`: the `session` of the login's 409 and the user's own new password. */
export const NewPasswordBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({ session: z.string().check(z.minLength(1), z.maxLength(8192)), newPassword: password() })
    .check(z.meta({ id: 'NewPasswordRequest' })),
);

/** `POST /users`: an account of any role, created by an admin. */
export const CreateUserBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      email: email(),
      name: personName(),
      role: RoleName,
      phone: z.optional(e164()),
      smsOptIn: z.optional(z.boolean()),
    })
    .check(z.meta({ id: 'CreateUserRequest' })),
);
export type CreateUserInput = z.output<typeof CreateUserBody>;

/** A new password needs the current one (Cognito checks it). */
const passwordNeedsCurrent = (body: {
  password?: string | undefined;
  currentPassword?: string | undefined;
}) => body.password === undefined || body.currentPassword !== undefined;
const currentPasswordNeeded = {
  message: 'Send your current password to change it',
  path: ['currentPassword'],
};

/**
 * `PATCH /users/{userId}`: what is sent changes. `role` and `disabled` need `canManageUsers`; `password` (with
 * `currentPassword`) only the user themself. `phone: null` removes the number.
 */
export const UpdateUserBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      name: z.optional(personName()),
      email: z.optional(email()),
      phone: z.optional(z.nullable(e164())),
      smsOptIn: z.optional(z.boolean()),
      password: z.optional(password()),
      currentPassword: z.optional(anyPassword()),
      role: z.optional(RoleName),
      disabled: z.optional(z.boolean()),
    })
    .check(
      z.refine(
        (body) => Object.values(body).some((value) => value !== undefined),
        'Send at least one field to change',
      ),
      z.refine(passwordNeedsCurrent, currentPasswordNeeded),
      z.meta({ id: 'UpdateUserRequest' }),
    ),
);
export type UpdateUserInput = z.output<typeof UpdateUserBody>;

/**
 * `PUT /users/{userId}`: the editable profile as a whole: `name`, `email` and `smsOptIn` required, a `phone` left
 * out is removed. `role` and `disabled` (admins) and `password` change only when sent.
 */
export const ReplaceUserBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      name: personName(),
      email: email(),
      phone: z.optional(e164()),
      smsOptIn: z.boolean(),
      password: z.optional(password()),
      currentPassword: z.optional(anyPassword()),
      role: z.optional(RoleName),
      disabled: z.optional(z.boolean()),
    })
    .check(z.refine(passwordNeedsCurrent, currentPasswordNeeded), z.meta({ id: 'ReplaceUserRequest' })),
);
export type ReplaceUserInput = z.output<typeof ReplaceUserBody>;

export const UserParams = /* @__PURE__ */ defineSchema(() => z.object({ userId: UserId }));

const namePrefix = () =>
  z.string().check(z.trim(), z.minLength(1), z.maxLength(100), z.meta({ description: 'Start of the name' }));
const limit = () => z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25);
const cursor = () => z.optional(z.string().check(z.maxLength(4096)));

/** `GET /users?role=&name=&limit=&cursor=`: by role, or by the start of the name (not both), or everyone. */
export const ListUsersQuery = /* @__PURE__ */ defineSchema(() =>
  z.object({ limit: limit(), cursor: cursor(), role: z.optional(RoleName), name: z.optional(namePrefix()) }),
);
export type ListUsersQueryInput = z.output<typeof ListUsersQuery>;

/** `GET /approvers?name=&limit=&cursor=`: the start of the name is required. */
export const ApproversQuery = /* @__PURE__ */ defineSchema(() =>
  z.object({ limit: limit(), cursor: cursor(), name: namePrefix() }),
);
export type ApproversQueryInput = z.output<typeof ApproversQuery>;
