/**
 * Email through Amazon SES (v1 `SendEmail`), from `MAIL_FROM`, as UTF-8 text and HTML. Locally
 * `AWS_ENDPOINT_URL_SES` points the client at the SES emulator (the SDK reads that variable itself).
 */
import { type SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import type { Channel } from '#shared/notifications/channels/channel.ts';
import { failure, type SendOutcome } from '#shared/notifications/channels/outcome.ts';
import { type EmailContent, renderEmail } from '#shared/notifications/templates.ts';
import { sesClient } from '#shared/platform/aws-clients.ts';
import { config } from '#shared/platform/config.ts';

export interface OutgoingEmail {
  readonly to: string | undefined;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * zod 4's email pattern, as `z.email()` checks by default (`zod/v4/core/regexes.ts`, `email`), as a bare regular
 * expression: the bundle then carries no string-format schema (issue 9 kept the sender within its 500 KiB budget).
 */
const emailAddress =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/**
 * Why an address cannot be mailed, or `undefined` when it can. SES (and its emulator, TOOLCHAIN.md) accepts
 * addresses that bounce later, so this is checked here.
 */
export function emailAddressProblem(address: string | undefined): string | undefined {
  if (!address) return 'The recipient has no email address.';
  return emailAddress.test(address) ? undefined : 'The recipient email address is invalid.';
}

/**
 * Send one email with SES v1 `SendEmail`, from `config.mailFrom`, as UTF-8 text and HTML, with the configuration set
 * named by `SES_CONFIGURATION_SET` when set (lib/stacks/data-stack.ts).
 * @returns `sent` with the SES message id; `skipped` for a missing or invalid address (nothing sent); `failed` with
 *   `retryable` from {@link isRetryableProviderError}
 */
export async function sendEmail(email: OutgoingEmail, client: SESClient = sesClient()): Promise<SendOutcome> {
  const problem = emailAddressProblem(email.to);
  if (problem) return { status: 'skipped', error: problem };
  try {
    const result = await client.send(
      new SendEmailCommand({
        Source: config.mailFrom,
        // The deployed stage's configuration set (suppresses bounced and complained addresses); unset locally.
        ConfigurationSetName: process.env.SES_CONFIGURATION_SET,
        Destination: { ToAddresses: [email.to as string] },
        Message: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: email.text, Charset: 'UTF-8' },
            Html: { Data: email.html, Charset: 'UTF-8' },
          },
        },
      }),
    );
    return { status: 'sent', providerMessageId: result.MessageId ?? '' };
  } catch (error) {
    return failure(error);
  }
}

/** The email channel; `send` defaults to SES. */
export function emailChannel(
  send: (email: OutgoingEmail) => Promise<SendOutcome> = (email) => sendEmail(email),
): Channel<EmailContent> {
  return {
    name: 'email',
    addressOf: (recipient) => recipient.email,
    addressProblem: emailAddressProblem,
    render: renderEmail,
    send: (address, content) => send({ to: address, ...content }),
  };
}
