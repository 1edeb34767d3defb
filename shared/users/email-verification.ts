/**
 * Email change verification: a new address (`PATCH`/`PUT /users/{userId}` with `email`, by the user or by an admin)
 * gets nothing but a code until its owner proves they read mail there. Until then the profile keeps its verified
 * `email` (the one that signs in and gets every mail) and holds the new one as `pendingEmail`; `POST
 * /me/email/verify` with the code switches both Cognito and the profile (docs/security.md, "Email change").
 *
 * The code: 6 digits from `crypto.randomInt`, stored only as SHA-256 of user id, address and code in one item per
 * user (`pk = USER#<userId>`, `sk = EMAIL_CODE`), with the address it was mailed to, the wrong attempts so far and
 * `expiresAt` (TTL, {@link emailCodeTtlSeconds}); a new change replaces it. Refused: a wrong code (at most
 * {@link maxEmailCodeAttempts} tries per code), an expired one (the check reads `expiresAt`, TTL deletion is lazy),
 * one mailed to another address than the profile's `pendingEmail` now. One code per user per minute
 * (`cooldown.entity.ts`, kind `email-code`), so nobody floods an inbox through the API. Modelled on the SMS code of
 * a phone number (`phone-verification.ts`).
 *
 * The mail goes through SES straight from the function (`SendEmail` from `MAIL_FROM`), like the sign-up notice
 * (`signup-notice.ts`): no item change drives it, so the notification pipeline has nothing to plan from. It names
 * nothing the caller typed but the address itself.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { sesClient } from '#shared/platform/aws-clients.ts';
import { config } from '#shared/platform/config.ts';
import { attributesEqual, getItem, type StoredItem, transactWrite, updateItem } from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { Conflict, InvalidInput } from '#shared/platform/errors.ts';
import { logger } from '#shared/platform/logger.ts';
import { ttlAttribute } from '#shared/platform/table.ts';
import { accountOfEmail, updateAccountAttributes } from '#shared/users/accounts.ts';
import { findUser } from '#shared/users/profiles.ts';
import { type UserItem, userKey } from '#shared/users/user.entity.ts';

/** How long an email code is valid: 10 minutes. */
export const emailCodeTtlSeconds = 600;
/** Wrong codes accepted per code before it is void. */
export const maxEmailCodeAttempts = 5;

/** The stored half of an email code. */
export interface EmailCodeItem {
  readonly userId: string;
  /** The (lower-cased) address the code was mailed to: the profile's `pendingEmail` when it was sent. */
  readonly email: string;
  /** SHA-256 (hex) of `userId`, `email` and the code. */
  readonly codeHash: string;
  /** Wrong codes tried so far. */
  readonly attempts: number;
  /** Epoch seconds; the table's TTL attribute. */
  readonly expiresAt: number;
  readonly createdAt: string;
}

export const emailCodeEntity = 'emailCode';

/** The key of a user's email code. */
export const emailCodeKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'EMAIL_CODE' });

const codeHash = (userId: string, email: string, code: string) =>
  createHash('sha256').update(`${userId}\n${email}\n${code}`).digest('hex');

/** Subject of the code mail (the integration tests look for it). */
export const emailCodeSubject = 'Confirm your new email address';

/** The text of the code mail to `email`. */
export function emailCodeText(email: string, code: string): string {
  return [
    `Your help desk verification code is ${code}. It expires in ${emailCodeTtlSeconds / 60} minutes.`,
    `Someone asked to use ${email} as the address of a help desk account. The account keeps its current address ` +
      'until this code is entered while signed in (POST /me/email/verify).',
    'If it was not you, ignore this mail: nothing is sent to this address before the code comes back.',
  ].join('\n\n');
}

/** A new email code for `email`: the code itself (to mail, never stored) and its stored item. */
export function newEmailCode(
  userId: string,
  email: string,
  now = new Date(),
): { code: string; record: StoredItem } {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const item: EmailCodeItem = {
    userId,
    email,
    codeHash: codeHash(userId, email, code),
    attempts: 0,
    expiresAt: Math.floor(now.getTime() / 1000) + emailCodeTtlSeconds,
    createdAt: now.toISOString(),
  };
  return {
    code,
    record: { ...emailCodeKey(userId), ...item, entityType: emailCodeEntity, [ttlAttribute]: item.expiresAt },
  };
}

/**
 * Mail a code to the address it verifies (SES `SendEmail`, from `MAIL_FROM`).
 * @throws Error when SES refuses (not the client's doing: the change is then not made)
 */
export async function mailEmailCode(email: string, code: string): Promise<void> {
  await sesClient().send(
    new SendEmailCommand({
      Source: config.mailFrom,
      // The stage's configuration set (bounced and complained addresses suppressed); unset locally.
      ConfigurationSetName: process.env.SES_CONFIGURATION_SET,
      Destination: { ToAddresses: [email] },
      Message: {
        Subject: { Data: emailCodeSubject, Charset: 'UTF-8' },
        Body: { Text: { Data: emailCodeText(email, code), Charset: 'UTF-8' } },
      },
    }),
  );
}

const codeError = (detail: string) => new InvalidInput([{ in: 'body', pointer: '/code', detail }]);

/**
 * Check an email code and switch the account to the address it was mailed to: Cognito first
 * (`AdminUpdateUserAttributes`: `email` and `email_verified = true`, so the new address signs in from now on and
 * the old one no longer does), then one transaction: the profile's `email` set and `pendingEmail` removed
 * (conditioned on both being as read) and the code deleted. If the transaction fails, Cognito is set back to the
 * profile's address as it then is. A retry after a failure between the two steps finds the code still there and
 * makes the same, idempotent, Cognito call again.
 * @returns the profile after the change
 * @throws Conflict when no change waits, or the address has another account meanwhile (409: nothing changes, the
 *   code stays); InvalidInput on `/code` for a wrong, expired or used-up code, or none
 */
export async function verifyEmailCode(user: UserItem, code: string, now = new Date()): Promise<UserItem> {
  const pending = user.pendingEmail;
  if (!pending)
    throw new Conflict(
      'No email change waits for a code: change it first (PATCH /users/{userId} with email).',
    );
  const stored = await getItem<EmailCodeItem>(emailCodeKey(user.userId), { consistent: true });
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (!stored || stored.email !== pending)
    throw codeError('No code was mailed to this address: change it again.');
  if (stored.expiresAt <= nowSeconds)
    throw codeError('The code expired: change the email again for a new one.');
  if (stored.attempts >= maxEmailCodeAttempts)
    throw codeError('Too many wrong codes: change the email again for a new one.');
  const expected = Buffer.from(stored.codeHash, 'hex');
  const given = Buffer.from(codeHash(user.userId, pending, code), 'hex');
  if (!timingSafeEqual(expected, given)) {
    await updateItem(emailCodeKey(user.userId), { add: { attempts: 1 } });
    throw codeError('The code is wrong.');
  }
  const owner = await accountOfEmail(pending);
  if (owner && owner !== user.userId) throw new Conflict('An account with this email exists.');
  // AliasExistsException (the address taken between the check and here) is a Conflict too (`accountError`).
  await updateAccountAttributes(user.userId, { email: pending });
  const updatedAt = nowIso();
  const result = await transactWrite([
    {
      update: userKey(user.userId),
      changes: { set: { email: pending, pendingEmail: undefined, updatedAt } },
      condition: attributesEqual({ email: user.email, pendingEmail: pending }),
    },
    { delete: emailCodeKey(user.userId) },
  ]);
  if (!result.ok) {
    const current = await findUser(user.userId, { consistent: true });
    // A concurrent verification of the same code switched it already: Cognito is right as it is.
    if (current?.email === pending) return current;
    if (current) {
      await updateAccountAttributes(user.userId, { email: current.email }).catch((error: unknown) =>
        logger.error('Could not set the Cognito email back after a failed profile write', {
          userId: user.userId,
          error,
        }),
      );
    }
    throw new Conflict('Your email changed meanwhile; read your profile again and retry.');
  }
  const { pendingEmail: _switched, ...rest } = user;
  return { ...rest, email: pending, updatedAt };
}
