/**
 * Request schemas of the account and user routes. Bodies are strict: unknown fields are a 400 naming the field, so
 * a typo never silently does nothing, and a privileged field on self sign-up (`role`, `isStaff`, `isSuperuser`)
 * never takes effect. `zod/mini`, each schema built by a pure `defineSchema` call so a bundle keeps only those its
 * route uses (`shared/platform/schemas.ts`).
 */
import * as z from 'zod/mini';
import { defineSchema, UserId } from '#shared/platform/schemas.ts';
import { maxChars, minChars } from '#shared/platform/text.ts';
import { RoleName } from '#shared/roles/schemas.ts';
import { isCommonPassword } from '#shared/users/common-passwords.ts';

/** An E.164 phone number: `+`, then 7 to 15 digits, the first not 0 (at most 16 characters). */
export const e164 = () =>
  z
    .string()
    .check(
      z.maxLength(16),
      z.regex(/^\+[1-9]\d{6,14}$/, 'Expected an E.164 phone number like +15555550100'),
      z.meta({ description: 'An E.164 phone number, e.g. +15555550100' }),
    );
/** An email address, at most 254 characters; the API stores and answers it lower-cased. */
export const email = () => z.email().check(z.maxLength(254));
/**
 * A person's name: at most 100 characters once trimmed, not only spaces (the pattern `\S`: a non-space
 * character, which is what a trimmed length of 1 or more means).
 */
export const personName = () =>
  z.string().check(maxChars(100), z.trim(), z.regex(/\S/, 'Expected a name, not only spaces'));

/** The fewest characters of a new password: the user pool's `MinimumLength` (`lib/stacks/auth-stack.ts`). */
export const passwordMinLength = 12;
/** The most characters Cognito takes in a password (`PasswordType`, Cognito API reference). */
export const passwordMaxLength = 256;

/**
 * One rule of {@link passwordRules}: how it is checked (a pattern, or a test that JSON Schema cannot say), the rule
 * as the document shows it, and the field error when it fails.
 */
type PasswordRule = { readonly description: string; readonly message: string } & (
  | { readonly pattern: RegExp }
  | { readonly test: (password: string) => boolean }
);

/** The special characters Cognito takes in a password (the space too, but not at either end). */
const passwordSymbols = '^ $ * . [ ] { } ( ) ? " ! @ # % & / \\ , > < \' : ; | _ ~ ` = + -';

/**
 * The rules every new password must meet, one per rule, each failing with its own field error on the password
 * (so a client can say which rule failed):
 * - the user pool's policy (`lib/stacks/auth-stack.ts`): a lower-case letter, an upper-case letter, a digit (no
 *   symbol required); its length, {@link passwordMinLength} to {@link passwordMaxLength}, is checked before these;
 * - what Cognito takes in any password ("Password policies", Cognito developer guide): Basic Latin letters, digits,
 *   the space and Cognito's special characters only; no leading or trailing space;
 * - not one of the commonest passwords, whatever the case (NIST SP 800-63B-4 §3.1.1.2 blocklist;
 *   `common-passwords.ts`). Cognito cannot check this one on the Essentials plan, so only the API does.
 * With the length they make a password the document accepts one Cognito accepts.
 */
export const passwordRules = (): readonly PasswordRule[] => [
  {
    pattern: /[a-z]/,
    description: 'Has a lower-case letter (a-z)',
    message: 'Needs a lower-case letter (a-z)',
  },
  {
    pattern: /[A-Z]/,
    description: 'Has an upper-case letter (A-Z)',
    message: 'Needs an upper-case letter (A-Z)',
  },
  { pattern: /[0-9]/, description: 'Has a digit (0-9)', message: 'Needs a digit (0-9)' },
  {
    pattern: /^[A-Za-z0-9 ^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+-]*$/,
    description: `Only Basic Latin letters, digits, the space and the special characters ${passwordSymbols}`,
    message: `Use only Basic Latin letters, digits, the space and ${passwordSymbols}`,
  },
  {
    pattern: /^[^ ](?:[\s\S]*[^ ])?$/,
    description: 'No space at the start or the end',
    message: 'Remove the space at the start or the end',
  },
  {
    test: (candidate) => !isCommonPassword(candidate),
    description:
      'Not one of the commonest passwords, in any case (a list of the 49,233 most used passwords, zxcvbn-ts)',
    message: 'This is one of the commonest passwords; choose another',
  },
];

/**
 * A new password (sign-up, first sign-in, a change): {@link passwordMinLength} to {@link passwordMaxLength}
 * characters meeting each of {@link passwordRules} (documented as an `allOf` of one entry per rule, each with its
 * description; the common-password rule has no JSON Schema form, so it is a description only). Cognito checks the
 * pool's policy again; a password it refuses all the same is a 422 on the field.
 */
const password = () =>
  z.string().check(
    minChars(passwordMinLength, `At least ${passwordMinLength} characters`),
    maxChars(passwordMaxLength, `At most ${passwordMaxLength} characters`),
    ...passwordRules().map((rule) =>
      'pattern' in rule ? z.regex(rule.pattern, rule.message) : z.refine<string>(rule.test, rule.message),
    ),
    z.meta({
      description: `A new password: ${passwordMinLength} to ${passwordMaxLength} characters, meeting every rule below (the user pool policy and the common-password list)`,
      allOf: passwordRules().map((rule) =>
        'pattern' in rule
          ? { pattern: rule.pattern.source, description: rule.description }
          : { description: rule.description },
      ),
    }),
  );
/**
 * A password as the user typed it (sign-in, the current password of a change): Cognito checks it. At most 256
 * characters with a non-space one, as Cognito's `PasswordType` takes (it refuses others as a malformed call).
 */
const anyPassword = () =>
  z.string().check(maxChars(256), z.regex(/\S/, 'Expected a password, not only spaces'));

/** A Cognito token (the refresh token): base64url parts joined by dots, as Cognito's `TokenModelType`. */
const cognitoToken = () =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(8192),
      z.regex(/^[A-Za-z0-9_=.-]+$/, 'Expected a Cognito token'),
      z.meta({ description: 'The refreshToken of /auth/login, /auth/password or /auth/refresh' }),
    );

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

/** A 6-digit code (the one Cognito mails at sign-up, the SMS code of a phone number, an email change's code). */
const sixDigitCode = (description: string) =>
  z
    .string()
    .check(z.maxLength(6), z.regex(/^[0-9]{6}$/, 'Expected the 6-digit code'), z.meta({ description }));

/** `POST /me/email/verify`: the code mailed to the new address of an email change. */
export const EmailCodeBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      code: sixDigitCode('The code in the mail "Confirm your new email address" (valid 10 minutes)'),
    })
    .check(z.meta({ id: 'EmailCodeRequest' })),
);

/** `POST /auth/confirm`: the address signed up with and the code Cognito mailed to it. */
export const ConfirmSignUpBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({ email: email(), code: sixDigitCode('The code in the mail "Your verification code"') })
    .check(z.meta({ id: 'ConfirmSignUpRequest' })),
);

/** `POST /auth/confirm/resend`: the address to mail a new code to. */
export const ResendCodeBody = /* @__PURE__ */ defineSchema(() =>
  z.strictObject({ email: email() }).check(z.meta({ id: 'ResendCodeRequest' })),
);

/** `POST /me/phone/code`: nothing to send (`{}`): the code goes to the number of the caller's profile. */
export const PhoneCodeSendBody = /* @__PURE__ */ defineSchema(() =>
  z.strictObject({}).check(z.meta({ id: 'PhoneCodeSendRequest' })),
);

/** `POST /me/phone/verify`: the code of the SMS `POST /me/phone/code` sent. */
export const PhoneCodeBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({ code: sixDigitCode('The code in the SMS (valid 10 minutes)') })
    .check(z.meta({ id: 'PhoneCodeRequest' })),
);

export const LogInBody = /* @__PURE__ */ defineSchema(() =>
  z.strictObject({ email: email(), password: anyPassword() }).check(z.meta({ id: 'LogInRequest' })),
);
export type LogInInput = z.output<typeof LogInBody>;

export const RefreshBody = /* @__PURE__ */ defineSchema(() =>
  z.strictObject({ refreshToken: cognitoToken() }).check(z.meta({ id: 'RefreshRequest' })),
);
export type RefreshInput = z.output<typeof RefreshBody>;

/** `POST /auth/logout`: the refresh token to revoke. */
export const LogOutBody = /* @__PURE__ */ defineSchema(() =>
  z.strictObject({ refreshToken: cognitoToken() }).check(z.meta({ id: 'LogOutRequest' })),
);

/**
 * The challenge session `/auth/login` answers with its 409 (`shared/users/tokens.ts`): base64url JSON, a dot, its
 * base64url HMAC. One altered or expired is a 401.
 */
const challengeSession = () =>
  z
    .string()
    .check(
      z.maxLength(8192),
      z.regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'Expected the session of the 409 of /auth/login'),
      z.meta({ description: 'The session of the 409 of /auth/login (valid 3 minutes on AWS)' }),
    );

/** `POST /auth/password`: the `session` of the login's 409 and the user's own new password. */
export const NewPasswordBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({ session: challengeSession(), newPassword: password() })
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

/**
 * A new password needs the current one (Cognito checks it): documented as `dependentRequired`, checked by the
 * refinement.
 */
const passwordNeedsCurrent = (body: {
  password?: string | undefined;
  currentPassword?: string | undefined;
}) => body.password === undefined || body.currentPassword !== undefined;
const currentPasswordNeeded = {
  message: 'Send your current password to change it',
  path: ['currentPassword'],
};
const passwordNeedsCurrentRule = { dependentRequired: { password: ['currentPassword'] } } as const;

/**
 * `PATCH /users/{userId}`: what is sent changes; at least one field (`minProperties: 1`). `role` and `disabled`
 * need `canManageUsers`; `password` (with `currentPassword`) only the user themself. `phone: null` removes the
 * number. A new `email` waits for the code mailed to it (`pendingEmail`, then `POST /me/email/verify`).
 */
export const UpdateUserBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      name: z.optional(personName()),
      email: z.optional(
        email().check(
          z.meta({
            description:
              'A new address: mailed a code, kept as pendingEmail until POST /me/email/verify; the current one ' +
              'cancels a pending change',
          }),
        ),
      ),
      phone: z.optional(z.nullable(e164())),
      smsOptIn: z.optional(z.boolean()),
      /** The digest email of direct messages that wait unread (default true; false turns it off). */
      messageEmails: z.optional(z.boolean()),
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
      z.meta({ id: 'UpdateUserRequest', minProperties: 1, ...passwordNeedsCurrentRule }),
    ),
);
export type UpdateUserInput = z.output<typeof UpdateUserBody>;

/**
 * `PUT /users/{userId}`: the editable profile as a whole: `name`, `email` and `smsOptIn` required, a `phone` left
 * out is removed. `messageEmails`, `role` and `disabled` (admins) and `password` change only when sent. A new
 * `email` waits for its code as in `PATCH`.
 */
export const ReplaceUserBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      name: personName(),
      email: email(),
      phone: z.optional(e164()),
      smsOptIn: z.boolean(),
      /** The digest email of direct messages that wait unread; left out: unchanged. */
      messageEmails: z.optional(z.boolean()),
      password: z.optional(password()),
      currentPassword: z.optional(anyPassword()),
      role: z.optional(RoleName),
      disabled: z.optional(z.boolean()),
    })
    .check(
      z.refine(passwordNeedsCurrent, currentPasswordNeeded),
      z.meta({ id: 'ReplaceUserRequest', ...passwordNeedsCurrentRule }),
    ),
);
export type ReplaceUserInput = z.output<typeof ReplaceUserBody>;

export const UserParams = /* @__PURE__ */ defineSchema(() => z.object({ userId: UserId }));

/** The start of a name, at most 100 characters once trimmed, not only spaces; case and accents do not matter. */
const namePrefix = (description: string) =>
  z
    .string()
    .check(
      maxChars(100),
      z.trim(),
      z.regex(/\S/, 'Expected the start of a name, not only spaces'),
      z.meta({ description }),
    );
/** Items per page: 1 to 100, default 25. */
const limit = () => z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25);
/** The `nextCursor` of the previous page (at most 4096 characters); one of another listing is a 422. */
const cursor = () =>
  z.optional(
    z
      .string()
      .check(
        z.maxLength(4096),
        z.regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'Expected the nextCursor of a page'),
        z.meta({ description: 'The nextCursor of the previous page of the same listing' }),
      ),
  );

/**
 * `GET /users?role=&name=&limit=&cursor=`: everyone, or by role, or by the start of the name; role and name
 * together are a 400 (no index serves both), said in both parameters' descriptions.
 */
export const ListUsersQuery = /* @__PURE__ */ defineSchema(() =>
  z.object({
    limit: limit(),
    cursor: cursor(),
    role: z.optional(
      RoleName.check(
        z.meta({ description: 'Only users of this role, most tickets first. Not together with name (422).' }),
      ),
    ),
    name: z.optional(
      namePrefix(
        'Only users whose name starts so (case and accents do not matter), by name. Not with role (422).',
      ),
    ),
  }),
);
export type ListUsersQueryInput = z.output<typeof ListUsersQuery>;

/** `GET /approvers?name=&limit=&cursor=`: the start of the name is required. */
export const ApproversQuery = /* @__PURE__ */ defineSchema(() =>
  z.object({
    limit: limit(),
    cursor: cursor(),
    name: namePrefix('The start of the name (case and accents do not matter)'),
  }),
);
export type ApproversQueryInput = z.output<typeof ApproversQuery>;
