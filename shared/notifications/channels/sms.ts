/**
 * SMS through Amazon SNS (`Publish` to a phone number). Locally `AWS_ENDPOINT_URL_SNS` points the client at the
 * local SNS endpoint (the SDK reads that variable itself).
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Channel } from '#shared/notifications/channels/channel.ts';
import { failure, type SendOutcome } from '#shared/notifications/channels/outcome.ts';
import { renderSms } from '#shared/notifications/templates.ts';
import { snsClient } from '#shared/platform/aws-clients.ts';
import { config } from '#shared/platform/config.ts';

export interface OutgoingSms {
  /** E.164 phone number. */
  readonly to: string | undefined;
  readonly text: string;
}

/** zod 4's E.164 pattern, as `z.e164()` checks (`zod/v4/core/regexes.ts`, `e164`), as a bare regular expression. */
const phoneNumber = /^\+[1-9]\d{6,14}$/;

/** Why a number cannot get an SMS, or `undefined` when it can: SNS wants E.164 (`+` and up to 15 digits). */
export function phoneNumberProblem(number: string | undefined): string | undefined {
  if (!number) return 'The recipient has no phone number.';
  return phoneNumber.test(number) ? undefined : 'The recipient phone number is not in E.164 format.';
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

/** The SMS channel; `send` defaults to SNS. */
export function smsChannel(
  send: (sms: OutgoingSms) => Promise<SendOutcome> = (sms) => sendSms(sms),
): Channel<string> {
  return {
    name: 'sms',
    addressOf: (recipient) => recipient.phone,
    addressProblem: phoneNumberProblem,
    render: renderSms,
    send: (address, text) => send({ to: address, text }),
  };
}
