/**
 * Phone verification: a number a user sets (sign-up, `POST /users`, `PATCH`/`PUT /users/{userId}`) gets no SMS
 * until its owner proves they receive SMS there. The API's own code rather than Cognito's
 * `GetUserAttributeVerificationCode`: cognito-local mails that code to the email whatever attribute is asked, the
 * pool would need an SMS role of its own, and a code from the API goes out through the same SNS path as every
 * other SMS and counts against the same quota (`shared/notifications/quotas.ts`).
 *
 * The code: 6 digits from `crypto.randomInt`, stored only as SHA-256 of user id, number and code in one item per
 * user (`pk = USER#<userId>`, `sk = PHONE_CODE`), with the number it was sent to, the wrong attempts so far and
 * `expiresAt` (TTL, {@link phoneCodeTtlSeconds}); a new code replaces the last. Refused: a wrong code (at most
 * {@link maxPhoneCodeAttempts} tries per code), an expired one (the check reads `expiresAt`, TTL deletion is
 * lazy), one sent to another number than the profile's now. Requests: one per user per minute (`cooldown.entity.ts`)
 * and within the SMS quota per recipient per day, the recipient being the number itself.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { sendSms } from '#shared/notifications/channels/sms.ts';
import { quotaCounterKey } from '#shared/notifications/quota-counter.entity.ts';
import { quotaLimit, quotas, quotaWindow } from '#shared/notifications/quotas.ts';
import {
  attributesEqual,
  deleteItem,
  getItem,
  putItem,
  transactWrite,
  updateItem,
} from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { Conflict, InvalidInput, RateLimited } from '#shared/platform/errors.ts';
import { logger } from '#shared/platform/logger.ts';
import { ttlAttribute } from '#shared/platform/table.ts';
import { takeCooldown } from '#shared/users/cooldown.entity.ts';
import { type UserItem, userKey } from '#shared/users/user.entity.ts';

/** How long an SMS code is valid: 10 minutes. */
export const phoneCodeTtlSeconds = 600;
/** Wrong codes accepted per code before it is void. */
export const maxPhoneCodeAttempts = 5;

/** The stored half of an SMS code. */
export interface PhoneCodeItem {
  readonly userId: string;
  /** The E.164 number the code went to. */
  readonly phone: string;
  /** SHA-256 (hex) of `userId`, `phone` and the code. */
  readonly codeHash: string;
  /** Wrong codes tried so far. */
  readonly attempts: number;
  /** Epoch seconds; the table's TTL attribute. */
  readonly expiresAt: number;
  readonly createdAt: string;
}

export const phoneCodeEntity = 'phoneCode';

/** The key of a user's SMS code. */
export const phoneCodeKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'PHONE_CODE' });

const codeHash = (userId: string, phone: string, code: string) =>
  createHash('sha256').update(`${userId}\n${phone}\n${code}`).digest('hex');

/** The SMS text of a code. */
export const phoneCodeText = (code: string) =>
  `Your help desk verification code is ${code}. It expires in ${phoneCodeTtlSeconds / 60} minutes.`;

const codeError = (detail: string) => new InvalidInput([{ in: 'body', pointer: '/code', detail }]);

/**
 * Send an SMS code to the user's phone number. One PutItem (the cooldown), one UpdateItem (the quota), one
 * PutItem (the code), one SNS Publish.
 * @throws Conflict when the user has no number or it is verified already; RateLimited within a minute of the last
 *   code or over the SMS quota of the number; Error when SNS refuses (not the client's doing)
 */
export async function sendPhoneCode(
  user: UserItem,
  now = new Date(),
): Promise<{ phone: string; expiresAt: string }> {
  const phone = user.phone;
  if (!phone)
    throw new Conflict('You have no phone number: set one first (PATCH /users/{userId} with phone).');
  if (user.phoneVerified !== false) throw new Conflict('Your phone number is verified already.');
  if (!(await takeCooldown('phone-code', user.userId, now)))
    throw new RateLimited('A code was sent less than a minute ago; wait and retry.');
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const id = `${user.userId}#${nowSeconds}`;
  const limit = quotaLimit('smsPerRecipientPerDay');
  const window = quotaWindow(now, quotas.smsPerRecipientPerDay.windowSeconds);
  // The sender's counter (`countQuotaInTable`, shared/notifications/aws-dependencies.ts), not imported: that module
  // brings the sender's idempotency along. A code is counted once by construction (its key is new), so no GetItem.
  const counted = await updateItem(
    quotaCounterKey('smsPerRecipientPerDay', phone, window.id),
    {
      set: { [ttlAttribute]: window.expiresAt },
      add: { n: 1, counted: new Set([`phone-code#${id}`]) as unknown as number },
    },
    {
      condition: {
        expression: 'attribute_not_exists(#qn) OR #qn < :limit',
        names: { '#qn': 'n' },
        values: { ':limit': limit },
      },
    },
  );
  if (counted === false) {
    logger.warn('SMS code skipped', {
      userId: user.userId,
      reason: quotas.smsPerRecipientPerDay.reason(limit),
    });
    throw new RateLimited('This number has had as many SMS today as it may; try again tomorrow.');
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const item: PhoneCodeItem = {
    userId: user.userId,
    phone,
    codeHash: codeHash(user.userId, phone, code),
    attempts: 0,
    expiresAt: nowSeconds + phoneCodeTtlSeconds,
    createdAt: now.toISOString(),
  };
  await putItem({
    ...phoneCodeKey(user.userId),
    ...item,
    entityType: phoneCodeEntity,
    [ttlAttribute]: item.expiresAt,
  });
  const sent = await sendSms({ to: phone, text: phoneCodeText(code) });
  if (sent.status !== 'sent') {
    await deleteItem(phoneCodeKey(user.userId));
    throw new Error(`The SMS code could not be sent: ${sent.error}`);
  }
  return { phone, expiresAt: new Date(item.expiresAt * 1000).toISOString() };
}

/**
 * Check an SMS code and mark the number verified: the profile's `phoneVerified` and the code's deletion in one
 * transaction, conditioned on the profile still having the number the code went to.
 * @returns the profile after the change
 * @throws InvalidInput on `/code` for a wrong, expired or used-up code, or none; Conflict when the number is
 *   verified already or there is none
 */
export async function verifyPhoneCode(user: UserItem, code: string, now = new Date()): Promise<UserItem> {
  if (!user.phone)
    throw new Conflict('You have no phone number: set one first (PATCH /users/{userId} with phone).');
  if (user.phoneVerified !== false) throw new Conflict('Your phone number is verified already.');
  const stored = await getItem<PhoneCodeItem>(phoneCodeKey(user.userId), { consistent: true });
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (!stored || stored.phone !== user.phone)
    throw codeError('No code was sent to this number: ask for one.');
  if (stored.expiresAt <= nowSeconds) throw codeError('The code expired: ask for a new one.');
  if (stored.attempts >= maxPhoneCodeAttempts) throw codeError('Too many wrong codes: ask for a new one.');
  const expected = Buffer.from(stored.codeHash, 'hex');
  const given = Buffer.from(codeHash(user.userId, user.phone, code), 'hex');
  if (!timingSafeEqual(expected, given)) {
    await updateItem(phoneCodeKey(user.userId), { add: { attempts: 1 } });
    throw codeError('The code is wrong.');
  }
  const updatedAt = nowIso();
  const result = await transactWrite([
    {
      update: userKey(user.userId),
      changes: { set: { phoneVerified: true, updatedAt } },
      condition: attributesEqual({ phone: stored.phone }),
    },
    { delete: phoneCodeKey(user.userId) },
  ]);
  if (!result.ok) throw codeError('Your phone number changed meanwhile: ask for a new code.');
  return { ...user, phoneVerified: true, updatedAt };
}
