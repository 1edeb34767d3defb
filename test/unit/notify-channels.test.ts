import { MessageRejected, SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import {
  InvalidParameterException,
  PublishCommand,
  SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emailAddressProblem, sendEmail } from '#shared/notifications/channels/email.ts';
import { isRetryableProviderError } from '#shared/notifications/channels/outcome.ts';
import { phoneNumberProblem, sendSms } from '#shared/notifications/channels/sms.ts';

const ses = new SESClient({ region: 'us-east-1' });
const sns = new SNSClient({ region: 'us-east-1' });
const email = { to: 'ada@example.com', subject: 'Subject', text: 'Text', html: '<p>Html</p>' };

beforeEach(() => {
  vi.stubEnv('MAIL_FROM', 'helpdesk@example.com');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('sendEmail', () => {
  it('sends SES v1 SendEmail from MAIL_FROM as UTF-8 text and HTML and returns the message id', async () => {
    const send = vi.spyOn(ses, 'send').mockResolvedValue({ MessageId: 'ses-1' } as never);
    await expect(sendEmail(email, ses)).resolves.toEqual({ status: 'sent', providerMessageId: 'ses-1' });
    const command = send.mock.calls[0]?.[0] as SendEmailCommand;
    expect(command).toBeInstanceOf(SendEmailCommand);
    expect(command.input).toEqual({
      Source: 'helpdesk@example.com',
      Destination: { ToAddresses: ['ada@example.com'] },
      Message: {
        Subject: { Data: 'Subject', Charset: 'UTF-8' },
        Body: { Text: { Data: 'Text', Charset: 'UTF-8' }, Html: { Data: '<p>Html</p>', Charset: 'UTF-8' } },
      },
    });
  });

  it('skips a missing or invalid address without calling SES', async () => {
    const send = vi.spyOn(ses, 'send');
    await expect(sendEmail({ ...email, to: 'not-an-address' }, ses)).resolves.toEqual({
      status: 'skipped',
      error: 'The recipient email address is invalid.',
    });
    await expect(sendEmail({ ...email, to: undefined }, ses)).resolves.toMatchObject({ status: 'skipped' });
    expect(send).not.toHaveBeenCalled();
  });

  it('reports MessageRejected as a permanent failure', async () => {
    vi.spyOn(ses, 'send').mockRejectedValue(
      new MessageRejected({ message: 'Email address is not verified.', $metadata: { httpStatusCode: 400 } }),
    );
    await expect(sendEmail(email, ses)).resolves.toEqual({
      status: 'failed',
      error: 'MessageRejected: Email address is not verified.',
      retryable: false,
    });
  });

  it('reports throttling, 5xx and network errors as retryable', async () => {
    const throttling = Object.assign(new Error('Maximum sending rate exceeded.'), {
      name: 'Throttling',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    const unavailable = Object.assign(new Error('Service unavailable'), {
      name: 'ServiceUnavailable',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
    });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8005'), { code: 'ECONNREFUSED' });
    for (const error of [throttling, unavailable, refused]) {
      vi.spyOn(ses, 'send').mockRejectedValueOnce(error);
      await expect(sendEmail(email, ses)).resolves.toMatchObject({ status: 'failed', retryable: true });
    }
  });
});

describe('sendSms', () => {
  it('publishes to the phone number as a Transactional SMS and returns the message id', async () => {
    const send = vi.spyOn(sns, 'send').mockResolvedValue({ MessageId: 'sns-1' } as never);
    await expect(sendSms({ to: '+15555550100', text: 'Hello' }, sns)).resolves.toEqual({
      status: 'sent',
      providerMessageId: 'sns-1',
    });
    const command = send.mock.calls[0]?.[0] as PublishCommand;
    expect(command).toBeInstanceOf(PublishCommand);
    expect(command.input).toEqual({
      PhoneNumber: '+15555550100',
      Message: 'Hello',
      MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
    });
  });

  it('adds the sender id when SMS_SENDER_ID is set', async () => {
    vi.stubEnv('SMS_SENDER_ID', 'HelpDesk');
    const send = vi.spyOn(sns, 'send').mockResolvedValue({ MessageId: 'sns-2' } as never);
    await sendSms({ to: '+447700900123', text: 'Hello' }, sns);
    const command = send.mock.calls[0]?.[0] as PublishCommand;
    expect(command.input.MessageAttributes).toEqual({
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
      'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'HelpDesk' },
    });
  });

  it('skips numbers that are not E.164 without calling SNS', async () => {
    const send = vi.spyOn(sns, 'send');
    for (const to of ['5555550100', '+0123', '+1 555 555 0100', undefined]) {
      await expect(sendSms({ to, text: 'Hello' }, sns)).resolves.toMatchObject({ status: 'skipped' });
    }
    expect(send).not.toHaveBeenCalled();
  });

  it('reports InvalidParameter as permanent and Throttled as retryable', async () => {
    vi.spyOn(sns, 'send').mockRejectedValueOnce(
      new InvalidParameterException({
        message: 'Invalid parameter: PhoneNumber',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await expect(sendSms({ to: '+15555550100', text: 'x' }, sns)).resolves.toMatchObject({
      status: 'failed',
      retryable: false,
    });
    vi.spyOn(sns, 'send').mockRejectedValueOnce(
      new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }),
    );
    await expect(sendSms({ to: '+15555550100', text: 'x' }, sns)).resolves.toMatchObject({
      status: 'failed',
      retryable: true,
    });
  });
});

describe('address checks and error classification', () => {
  it('checks email addresses and E.164 numbers', () => {
    expect(emailAddressProblem('ada@example.com')).toBeUndefined();
    expect(emailAddressProblem('ada@localhost')).toBeDefined();
    expect(phoneNumberProblem('+447700900123')).toBeUndefined();
    expect(phoneNumberProblem('+1234567890123456')).toBeDefined();
  });

  it('treats 4xx answers as permanent unless they are throttling', () => {
    expect(
      isRetryableProviderError({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    ).toBe(false);
    expect(
      isRetryableProviderError({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 400 } }),
    ).toBe(true);
    expect(isRetryableProviderError({ name: 'X', $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isRetryableProviderError({ name: 'X', $retryable: { throttling: true } })).toBe(true);
    expect(isRetryableProviderError(undefined)).toBe(false);
  });
});
