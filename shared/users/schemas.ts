/**
 * Request schemas of the account routes (sign-up, log-in, refresh). Bodies are strict: unknown fields are a 400, so a typo never silently does nothing.
 */
import * as z from 'zod';

const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'Expected an E.164 phone number like +15555550100');
const Email = z.email().max(254);

/** Password rules of the user pool (min 8, upper, lower, digit); Cognito enforces them again. */
const Password = z
  .string()
  .min(8, 'At least 8 characters')
  .max(256)
  .regex(/[a-z]/, 'Needs a lower-case letter')
  .regex(/[A-Z]/, 'Needs an upper-case letter')
  .regex(/\d/, 'Needs a digit');

export const SignUpBody = z
  .strictObject({
    email: Email,
    password: Password,
    name: z.string().trim().min(1).max(100),
    phone: E164.optional(),
    smsOptIn: z.boolean().optional(),
  })
  .meta({ id: 'SignUpRequest' });

export const LogInBody = z
  .strictObject({ email: Email, password: z.string().min(1).max(256) })
  .meta({ id: 'LogInRequest' });

export const RefreshBody = z
  .strictObject({ refreshToken: z.string().min(1).max(8192) })
  .meta({ id: 'RefreshRequest' });
