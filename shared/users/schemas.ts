/**
 * Request schemas of the account routes (sign-up, log-in, refresh). Bodies are strict: unknown fields are a 400, so a typo never silently does nothing.
 * `zod/mini`, each schema built by a pure `defineSchema` call so a bundle keeps only those its route uses
 * (`shared/platform/schemas.ts`).
 */
import * as z from 'zod/mini';
import { defineSchema } from '#shared/platform/schemas.ts';

const e164 = () =>
  z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'Expected an E.164 phone number like +15555550100'));
const email = () => z.email().check(z.maxLength(254));

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

export const SignUpBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      email: email(),
      password: password(),
      name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
      phone: z.optional(e164()),
      smsOptIn: z.optional(z.boolean()),
    })
    .check(z.meta({ id: 'SignUpRequest' })),
);
export type SignUpInput = z.output<typeof SignUpBody>;

export const LogInBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({ email: email(), password: z.string().check(z.minLength(1), z.maxLength(256)) })
    .check(z.meta({ id: 'LogInRequest' })),
);
export type LogInInput = z.output<typeof LogInBody>;

export const RefreshBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({ refreshToken: z.string().check(z.minLength(1), z.maxLength(8192)) })
    .check(z.meta({ id: 'RefreshRequest' })),
);
export type RefreshInput = z.output<typeof RefreshBody>;
