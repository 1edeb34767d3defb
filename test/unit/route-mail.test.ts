/**
 * The mails routes send themselves (the email-change code; the sign-up notice goes the same way) name the stage's
 * SES configuration set when the function has one (`SES_CONFIGURATION_SET`, set by the `mail:send` grant), so SES
 * suppresses bounced and complained addresses for them as for the notifications; locally there is none.
 */
import type { SendEmailCommand } from '@aws-sdk/client-ses';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sesClient } from '#shared/platform/aws-clients.ts';
import { mailEmailCode } from '#shared/users/email-verification.ts';

describe('mail a route sends itself', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  const sent = () => {
    const send = vi.spyOn(sesClient(), 'send').mockResolvedValue({ MessageId: 'm-1' } as never);
    return () => (send.mock.calls[0]?.[0] as SendEmailCommand | undefined)?.input;
  };

  it('names the configuration set the function was given', async () => {
    vi.stubEnv('MAIL_FROM', 'help@support.example.org');
    vi.stubEnv('SES_CONFIGURATION_SET', 'helpdesk-prod');
    const input = sent();
    await mailEmailCode('new@example.com', '123456');
    expect(input()).toMatchObject({
      Source: 'help@support.example.org',
      ConfigurationSetName: 'helpdesk-prod',
      Destination: { ToAddresses: ['new@example.com'] },
    });
  });

  it('names none where the function has none (the local stack)', async () => {
    vi.stubEnv('MAIL_FROM', 'help@support.example.org');
    vi.stubEnv('SES_CONFIGURATION_SET', undefined);
    const input = sent();
    await mailEmailCode('new@example.com', '123456');
    expect(input()?.ConfigurationSetName).toBeUndefined();
  });
});
