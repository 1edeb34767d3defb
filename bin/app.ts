/**
 * CDK entry point (cdk.json: `node --import tsx bin/app.ts`): one stage of the help desk, checked by cdk-nag
 * (AwsSolutions) during synthesis.
 *
 * Deployer settings are CDK context values (`npx cdk synth -c stage=prod -c mailFrom=help@example.org ...`):
 *   stage                   stage name, default `dev`; `prod` enables deletion protection and RETAIN
 *   region                  AWS region, default CDK_DEFAULT_REGION, else us-east-1 (no lookups)
 *   mailFrom                SES verified sender identity (address or an address of a verified domain)
 *   corsOrigins             comma-separated browser origins allowed by the API and by the images bucket
 *   smsSenderId             optional SNS SMS sender id, passed to the notifier as SMS_SENDER_ID
 *   approvalLinkTtlSeconds  lifetime of approval links, default 259200 (3 days)
 *   apiRateLimit, apiBurstLimit  HTTP API stage throttling, default 50 rps / 100 burst
 *   wafRateLimit            requests per client IP per 5 minutes at the edge WAF, default 1000
 *   approvalRequestsPerRequesterPerHour, smsPerRecipientPerDay  send quotas, default 10 and 50
 * See lib/deploy-config.ts and docs/architecture.md.
 */
import { buildApp } from '../lib/app.ts';

buildApp();
