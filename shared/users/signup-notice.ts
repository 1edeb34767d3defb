/**
 * The mail the owner of an address gets when someone tries to sign up with it (`POST /auth/signup` for an email
 * that has an account): the sign-up answers exactly as for a new address, so that it does not tell who has an
 * account (OWASP Authentication Cheat Sheet, "Authentication and Error Messages": account creation should not
 * reveal that the account exists), and the owner learns of the attempt from this mail instead.
 *
 * Sent with SES `SendEmail` straight from the sign-up function, not through the notification pipeline (the stream
 * consumer plans notifications from item changes, and a refused sign-up changes no item). Trade-off: no retry and
 * no dead-letter queue: a failure is logged and the mail is lost, while the sign-up's answer stays the same, which
 * is what must not change. The text names nothing the caller typed but the address itself (no name: a stranger's
 * text in a mail from the help desk would be a phishing vehicle).
 */
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { sesClient } from '#shared/platform/aws-clients.ts';
import { config } from '#shared/platform/config.ts';
import { logger } from '#shared/platform/logger.ts';
import { takeCooldown } from '#shared/users/cooldown.entity.ts';

/** Subject of the mail (the integration test looks for it). */
export const signUpNoticeSubject = 'Someone tried to sign up with your address';

/** The text of the mail to `email`. */
export function signUpNoticeText(email: string): string {
  return [
    `Someone tried to create a help desk account with ${email}, which already has one.`,
    'Nothing was changed: no account was created and your password is the same.',
    'If it was you, log in with your password. If it was not, you need not do anything.',
  ].join('\n\n');
}

/**
 * Send the notice to the owner of `email`, at most once per address per hour (the `signup-notice` cooldown: one
 * conditional PutItem, no scan), so that sign-up cannot flood someone's inbox. Never throws: a failure (SES
 * refusing, no `MAIL_FROM`, the cooldown write) is logged, so the sign-up's answer cannot depend on it.
 */
export async function sendSignUpNotice(email: string): Promise<void> {
  try {
    if (!(await takeCooldown('signup-notice', email))) {
      logger.info('Sign-up notice skipped: one was sent to this address within the hour');
      return;
    }
    await sesClient().send(
      new SendEmailCommand({
        Source: config.mailFrom,
        // The stage's configuration set (bounced and complained addresses suppressed); unset locally.
        ConfigurationSetName: process.env.SES_CONFIGURATION_SET,
        Destination: { ToAddresses: [email] },
        Message: {
          Subject: { Data: signUpNoticeSubject, Charset: 'UTF-8' },
          Body: { Text: { Data: signUpNoticeText(email), Charset: 'UTF-8' } },
        },
      }),
    );
  } catch (error) {
    logger.error('The sign-up notice to an existing account could not be sent', { error });
  }
}
