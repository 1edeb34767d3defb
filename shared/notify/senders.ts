/**
 * Email through Amazon SES (v1 `SendEmail`) and SMS through Amazon SNS (`Publish` to a phone number). Each sender
 * checks the address first and never throws for a provider's answer: it returns what happened, so the notifier can
 * log every attempt and decide whether retrying makes sense.
 *
 * The clients come from `shared/aws/clients.ts`; locally `AWS_ENDPOINT_URL_SES` and `AWS_ENDPOINT_URL_SNS` point
 * them at the SES emulator and the local SNS endpoint (the SDK reads those variables itself).
 */
import { type SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod';
import { sesClient, snsClient } from '#shared/aws/clients.ts';
import { config } from '#shared/config.ts';

/** The result of one send attempt. `failed` says whether the same attempt may succeed later. */
export type SendOutcome =
  | { readonly status: 'sent'; readonly providerMessageId: string }
  | { readonly status: 'skipped'; readonly error: string }
  | { readonly status: 'failed'; readonly error: string; readonly retryable: boolean };

export interface OutgoingEmail {
  readonly to: string | undefined;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface OutgoingSms {
  /** E.164 phone number. */
  readonly to: string | undefined;
  readonly text: string;
}

const emailAddress = z.email();
const phoneNumber = z.e164();

/**
 * Why an address cannot be mailed, or `undefined` when it can. SES (and its emulator, TOOLCHAIN.md) accepts
 * addresses that bounce later, so this is checked here.
 */
export function emailAddressProblem(address: string | undefined): string | undefined {
  if (!address) return 'The recipient has no email address.';
  return emailAddress.safeParse(address).success ? undefined : 'The recipient email address is invalid.';
}

/** Why a number cannot get an SMS, or `undefined` when it can: SNS wants E.164 (`+` and up to 15 digits). */
export function phoneNumberProblem(number: string | undefined): string | undefined {
  if (!number) return 'The recipient has no phone number.';
  return phoneNumber.safeParse(number).success
    ? undefined
    : 'The recipient phone number is not in E.164 format.';
}

/** Error names of AWS answers that mean "not now" rather than "never" (throttling, service-side trouble). */
const retryableErrorNames = new Set([
  'Throttling',
  'ThrottlingException',
  'Throttled',
  'ThrottledException',
  'TooManyRequestsException',
  'KMSThrottlingException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalErrorException',
  'InternalServerError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'EndpointConnectionError',
]);

/** Node network error codes: the request may never have reached the service. */
const retryableNetworkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Whether a provider error is transient: throttling, a 5xx or 429 answer, a server fault, or no answer at all
 * (network). 4xx answers such as SES `MessageRejected` or SNS `InvalidParameter` are permanent: retrying sends the
 * same bad request again. (The SDK has already retried transient errors with backoff before this is asked.)
 */
export function isRetryableProviderError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as SdkErrorShape;
  if (e.$retryable) return true;
  if (e.name && retryableErrorNames.has(e.name)) return true;
  if (e.code && retryableNetworkCodes.has(e.code)) return true;
  if (e.$fault === 'server') return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  // No HTTP answer and not recognisably an AWS error: the request may not have arrived.
  return !e.$fault;
}

function failure(error: unknown): SendOutcome {
  const e = error as SdkErrorShape & { message?: string };
  const message = `${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`.slice(0, 500);
  return { status: 'failed', error: message, retryable: isRetryableProviderError(error) };
}

/**
 * Send one email with SES v1 `SendEmail`, from `config.mailFrom`, as UTF-8 text and HTML.
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

/**
 * Send one SMS with SNS `Publish` to a phone number, as a Transactional message (`AWS.SNS.SMS.SMSType`: critical
 * messages, which SNS routes for reliability rather than cost; "Publishing SMS messages", SNS developer guide),
 * with `AWS.SNS.SMS.SenderID` when `SMS_SENDER_ID` is set (where the destination country supports sender ids).
 * @returns `sent` with the SNS message id; `skipped` for a missing or non-E.164 number; `failed` as for email
 */
export async function sendSms(sms: OutgoingSms, client: SNSClient = snsClient()): Promise<SendOutcome> {
  const problem = phoneNumberProblem(sms.to);
  if (problem) return { status: 'skipped', error: problem };
  const senderId = config.smsSenderId;
  try {
    const result = await client.send(
      new PublishCommand({
        PhoneNumber: sms.to,
        Message: sms.text,
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          ...(senderId ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: senderId } } : {}),
        },
      }),
    );
    return { status: 'sent', providerMessageId: result.MessageId ?? '' };
  } catch (error) {
    return failure(error);
  }
}
