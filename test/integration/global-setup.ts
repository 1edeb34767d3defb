/**
 * Global setup of the `integration` project: starts the local stack once (the same `startLocalStack` as
 * `npm start`, but ephemeral: in-memory DynamoDB, temporary directories, free ports, so it runs next to a
 * running `npm start`), seeds the demo accounts and hands every URL and id to the tests through `provide`.
 *
 * In a test: `import { inject } from 'vitest'; const apiUrl = inject('apiUrl');`. To wait for the stream
 * notifier and S3 events without sleeping: `await fetch(inject('drainUrl'), { method: 'POST' })`.
 * The stack's environment (`inject('env')`) points the AWS SDK at the emulators, for tests that look inside.
 */
import type { TestProject } from 'vitest/node';
import { type SeededAccount, seedDemoAccounts } from '../../scripts/local/demo-accounts.ts';
import {
  installDynamoDbLocal,
  isDynamoDbLocalInstalled,
} from '../../scripts/local/install-dynamodb-local.ts';
import { startLocalStack } from '../../scripts/local/stack.ts';

/** The agent and the requester have phone numbers (opted in to SMS); the admin has none. */
export interface DemoAccountsByRole {
  admin: SeededAccount;
  agent: SeededAccount & { phone: string };
  requester: SeededAccount & { phone: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The local API gateway, e.g. `http://localhost:41234` (also `PUBLIC_API_URL`). */
    apiUrl: string;
    /** SES emulator store: `GET` → `{ emails: [...] }` (`?since=<epoch seconds>`); `POST <sesUrl>/clear-store`. */
    sesStoreUrl: string;
    /** SNS endpoint's SMS list: `GET` → `{ messages: [{ phoneNumber, message, ... }] }`; `POST <snsUrl>/clear`. */
    smsUrl: string;
    /** `POST` (or `GET`): resolves `{ drained: true }` once stream records and S3 events so far were delivered. */
    drainUrl: string;
    userPoolId: string;
    userPoolClientId: string;
    /** Expected `iss` of the local tokens: `http://localhost:<port>/<userPoolId>`. */
    issuer: string;
    tableName: string;
    bucket: string;
    region: string;
    cognitoUrl: string;
    dynamodbUrl: string;
    s3Url: string;
    sesUrl: string;
    snsUrl: string;
    /** Every variable the stack set for the handlers (SDK endpoints, credentials, `TABLE_NAME`, ...). */
    env: Record<string, string>;
    /** Password of every demo account. */
    demoPassword: string;
    /** The seeded demo accounts by role: `{ email, password, name, role, phone?, userId }`. */
    demoAccounts: DemoAccountsByRole;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!isDynamoDbLocalInstalled()) installDynamoDbLocal(); // prints its progress; needs Java
  // A retry schedule of about two minutes instead of 30 hours, and the sender in its own process so that a test can
  // crash it (test/integration/notification-faults.test.ts). Its locks (10 s) end before a crashed message comes
  // back (15 s), as in AWS (30 s and 180 s).
  const stack = await startLocalStack({
    ports: 'free',
    quiet: true,
    deliveries: {
      visibilityTimeoutSeconds: 15,
      senderTimeoutSeconds: 10,
      retryBaseSeconds: 1,
      retryCapSeconds: 10,
      maxReceiveCount: 15,
      isolatedSender: true,
      // The suite sends the demo agent more approval SMS in a day than the deployed quota allows;
      // test/integration/send-quotas.test.ts sets small quotas itself (POST /_local/deliveries/quotas).
      quotas: { approvalRequestsPerRequesterPerHour: 1000, smsPerRecipientPerDay: 1000 },
      // The direct messages' unread digest waits 3 s instead of 5 minutes (test/integration/messages.test.ts).
      messageDigestDelaySeconds: 3,
    },
  });
  try {
    const seeded = await seedDemoAccounts();
    const demoAccounts = Object.fromEntries(
      seeded.map((account) => [account.role, account]),
    ) as unknown as DemoAccountsByRole;
    const provided = {
      apiUrl: stack.apiUrl,
      sesStoreUrl: stack.sesStoreUrl,
      smsUrl: stack.smsUrl,
      drainUrl: stack.drainUrl,
      userPoolId: stack.userPool.id,
      userPoolClientId: stack.userPool.clientId,
      issuer: stack.userPool.issuer,
      tableName: stack.tableName,
      bucket: stack.bucket,
      region: stack.env.AWS_REGION ?? 'us-east-1',
      cognitoUrl: stack.urls.cognito,
      dynamodbUrl: stack.urls.dynamodb,
      s3Url: stack.urls.s3,
      sesUrl: stack.urls.ses,
      snsUrl: stack.urls.sns,
      env: { ...stack.env },
      demoPassword: seeded[0]?.password ?? '',
      demoAccounts,
    };
    for (const [key, value] of Object.entries(provided)) {
      project.provide(key as keyof typeof provided, value as never);
    }
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return () => stack.stop();
}
