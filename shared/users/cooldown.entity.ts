/**
 * Cooldowns: "at most one of these per subject per period" for sends a caller can trigger without proving anything
 * (the sign-up notice to an address's owner, a new confirmation code, an SMS code), so that nobody can flood an
 * inbox or a phone through the API (a code to a new email address too).
 *
 * One item per kind and subject, `pk = COOLDOWN#<kind>#<subject>`, `sk = COOLDOWN`, with the table's TTL attribute
 * `expiresAt` at the end of the period. Taking the cooldown is one conditional PutItem (the item is new, or its
 * period is over: TTL deletion is lazy, so the condition reads `expiresAt` itself); no scan, no read first.
 * Concurrent callers: exactly one wins.
 */
import { putItem } from '#shared/platform/db.ts';
import { ttlAttribute } from '#shared/platform/table.ts';

/** What is rate-limited. */
export type CooldownKind = 'signup-notice' | 'confirmation-code' | 'phone-code' | 'email-code';

/** The period of each kind, in seconds. */
export const cooldownSeconds: Readonly<Record<CooldownKind, number>> = {
  /** The sign-up notice to the owner of a taken address: at most one per address per hour. */
  'signup-notice': 3600,
  /** A new confirmation code (`POST /auth/confirm/resend`): at most one per address per minute. */
  'confirmation-code': 60,
  /** An SMS code for the caller's phone number: at most one per user per minute. */
  'phone-code': 60,
  /** A code to a new email address (an email change): at most one per user per minute. */
  'email-code': 60,
};

export const cooldownEntity = 'cooldown';

/** The key of a cooldown item. The subject is lower-cased (addresses). */
export const cooldownKey = (kind: CooldownKind, subject: string) => ({
  pk: `COOLDOWN#${kind}#${subject.toLowerCase()}`,
  sk: 'COOLDOWN',
});

/**
 * Take the cooldown of `kind` for `subject`: `true` when none was running (it runs from now on), `false` while one
 * runs. One conditional PutItem.
 * @param now for tests; default the clock
 */
export async function takeCooldown(kind: CooldownKind, subject: string, now = new Date()): Promise<boolean> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  try {
    await putItem(
      {
        ...cooldownKey(kind, subject),
        entityType: cooldownEntity,
        [ttlAttribute]: nowSeconds + cooldownSeconds[kind],
      },
      {
        expression: 'attribute_not_exists(pk) OR #expiresAt <= :now',
        names: { '#expiresAt': ttlAttribute },
        values: { ':now': nowSeconds },
      },
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
