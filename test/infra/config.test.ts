import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readDeployConfig } from '../../lib/deploy-config.ts';

const read = (context: Record<string, unknown>) => readDeployConfig(new App({ context }));

describe('deployer settings', () => {
  it('defaults to a disposable dev stage in us-east-1 when nothing is configured', () => {
    const previous = process.env.CDK_DEFAULT_REGION;
    delete process.env.CDK_DEFAULT_REGION;
    try {
      const config = read({});
      expect(config).toMatchObject({
        stage: 'dev',
        isProd: false,
        region: 'us-east-1',
        corsOrigins: ['http://localhost:5173'],
        approvalLinkTtlSeconds: 259_200,
        apiErrorRatePercent: 5,
        apiLatencyP99Ms: 3000,
        smsMonthlySpendLimitUsd: 1,
        wafRateLimit: 1000,
        sendQuotas: {
          approvalRequestsPerRequesterPerHour: 10,
          smsPerRecipientPerDay: 50,
          opticsAlertsPerRequesterPerHour: 10,
        },
        routeThrottles: {
          auth: { rateLimit: 10, burstLimit: 20 },
          signUp: { rateLimit: 2, burstLimit: 5 },
          approval: { rateLimit: 5, burstLimit: 10 },
          upload: { rateLimit: 5, burstLimit: 10 },
        },
      });
      expect(config.removalPolicy).toBe('destroy');
    } finally {
      if (previous !== undefined) process.env.CDK_DEFAULT_REGION = previous;
    }
  });

  it('reads comma-separated or array origins, and retains everything in prod', () => {
    expect(read({ corsOrigins: 'https://a.example.org, https://b.example.org' }).corsOrigins).toEqual([
      'https://a.example.org',
      'https://b.example.org',
    ]);
    expect(read({ corsOrigins: ['https://a.example.org'] }).corsOrigins).toEqual(['https://a.example.org']);
    const prod = read({ stage: 'prod', approvalLinkTtlSeconds: '3600' });
    expect(prod.isProd).toBe(true);
    expect(prod.removalPolicy).toBe('retain');
    expect(prod.approvalLinkTtlSeconds).toBe(3600);
  });

  it('reads the WAF rate and the send quotas', () => {
    const config = read({
      wafRateLimit: '300',
      approvalRequestsPerRequesterPerHour: '3',
      smsPerRecipientPerDay: 7,
    });
    expect(config.wafRateLimit).toBe(300);
    expect(config.sendQuotas).toEqual({
      approvalRequestsPerRequesterPerHour: 3,
      smsPerRecipientPerDay: 7,
      opticsAlertsPerRequesterPerHour: 10,
    });
  });

  it('reads the optics alert list (comma-separated), empty by default (every admin is alerted)', () => {
    expect(read({}).opticsAlertEmails).toEqual([]);
    expect(read({ opticsAlertEmails: 'optics@example.org, buyer@example.org' }).opticsAlertEmails).toEqual([
      'optics@example.org',
      'buyer@example.org',
    ]);
    expect(() => read({ opticsAlertEmails: 'optics@example.org,nobody' })).toThrow(/opticsAlertEmails/);
  });

  it.each([
    [{ wafRateLimit: 9 }, /wafRateLimit must be 10 to 2000000000/],
    [{ wafRateLimit: 'lots' }, /wafRateLimit/],
    [{ approvalRequestsPerRequesterPerHour: 0 }, /approvalRequestsPerRequesterPerHour/],
    [{ smsPerRecipientPerDay: '2.5' }, /smsPerRecipientPerDay/],
    [{ corsOrigins: '*' }, /corsOrigins/],
    [{ corsOrigins: 'http://evil.example.org' }, /corsOrigins/],
    [{ corsOrigins: 'https://help.example.org/app' }, /corsOrigins/],
    [{ mailFrom: 'not-an-address' }, /mailFrom/],
    [{ stage: 'Prod_1' }, /stage/],
    [{ approvalLinkTtlSeconds: '-5' }, /approvalLinkTtlSeconds/],
    [{ smsSenderId: 'WAY-TOO-LONG-ID' }, /smsSenderId/],
    [{ authRateLimit: '0' }, /authRateLimit/],
    [{ signUpRateLimit: 60 }, /signUpRateLimit.*must not exceed apiRateLimit/],
    [{ apiBurstLimit: 30, uploadBurstLimit: 31 }, /uploadBurstLimit/],
    [{ apiErrorRatePercent: 101 }, /apiErrorRatePercent/],
    [{ apiLatencyP99Ms: '1.5' }, /apiLatencyP99Ms/],
    [{ smsMonthlySpendLimitUsd: 0 }, /smsMonthlySpendLimitUsd/],
  ])('rejects %j', (context, message) => {
    expect(() => read(context)).toThrow(message);
  });
});
