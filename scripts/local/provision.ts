/**
 * Provisioning of the local stack, the local counterpart of the CDK data and auth stacks: the table (from the
 * shared definition in `shared/platform/table.ts`, with TTL), the user pool with its password policy, app client and
 * role groups, the images bucket's CORS rules, the docs assets bucket with the API reference page's script (the
 * counterpart of `lib/constructs/docs-assets.ts`), and the environment the handlers read (`shared/platform/config.ts`,
 * `shared/platform/docs-page.ts`).
 *
 * Idempotent across restarts: the pool and client ids and the cursor signing key are kept in
 * `<stateDir>/stack.json`; a pool that vanished is found again by name or created anew; the script is uploaded
 * only when the stored object differs.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  type PasswordPolicyType,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { docsScript } from '#shared/platform/docs-script.ts';
import { createTableInput, ttlAttribute } from '#shared/platform/table.ts';
import { checkedGroupName, roleNames } from '#shared/roles/roles.ts';
import { passwordMinLength } from '#shared/users/schemas.ts';

/** Ports of the emulators and the gateway. */
export interface LocalPorts {
  readonly api: number;
  readonly dynamodb: number;
  readonly cognito: number;
  readonly s3: number;
  readonly ses: number;
  readonly sns: number;
  /** The SQS emulator (the delivery queues). */
  readonly sqs: number;
}

/** Defaults of `npm start` (tests pick free ports instead). */
export const defaultPorts: LocalPorts = {
  api: 3000,
  dynamodb: 8000,
  cognito: 9229,
  s3: 4569,
  ses: 8005,
  sns: 4575,
  sqs: 9324,
};

/** Names of the local delivery queue and its dead-letter queue (`shared/notifications/delivery-queue.ts`). */
export const localDeliveryQueueName = 'helpdesk-local-deliveries';
export const localDeliveryDeadLetterQueueName = 'helpdesk-local-deliveries-dead-letters';

/** Region the handlers and the event records see. */
export const localRegion = 'us-east-1';

/**
 * One credential pair for every emulator: s3rver only knows the key `S3RVER` (and ignores SigV4 signatures);
 * DynamoDB Local (with `-sharedDb`), cognito-local, the SES emulator and the SNS endpoint accept any pair.
 */
export const localCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** Sender of every local email (the SES emulator accepts any address; nothing leaves the machine). */
export const localMailFrom = 'helpdesk@example.com';

/** The local docs assets bucket (in AWS: `DocsAssets.bucket` of the api stack). */
export const localDocsBucket = 'helpdesk-docs-local';

export const userPoolName = 'helpdesk-local';
export const userPoolClientName = 'helpdesk-local-app';

/** Base URLs of the emulators, for the SDK's service-specific endpoint variables. */
export function emulatorUrls(ports: LocalPorts) {
  return {
    api: `http://localhost:${ports.api}`,
    dynamodb: `http://127.0.0.1:${ports.dynamodb}`,
    // cognito-local listens on `localhost` and puts `http://localhost:<port>` in its tokens' issuer.
    cognito: `http://localhost:${ports.cognito}`,
    s3: `http://127.0.0.1:${ports.s3}`,
    ses: `http://127.0.0.1:${ports.ses}`,
    sns: `http://127.0.0.1:${ports.sns}`,
    sqs: `http://127.0.0.1:${ports.sqs}`,
  };
}

/** What `<stateDir>/stack.json` keeps between runs. */
export interface PersistedIds {
  userPoolId?: string;
  userPoolClientId?: string;
  cursorSigningKey?: string;
}

function readPersisted(stateDir: string): PersistedIds {
  const file = path.join(stateDir, 'stack.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PersistedIds) : {};
}

function writePersisted(stateDir: string, ids: PersistedIds): void {
  writeFileSync(path.join(stateDir, 'stack.json'), `${JSON.stringify(ids, null, 2)}\n`);
}

const errorName = (error: unknown) => (error as { name?: string } | undefined)?.name;

/**
 * The AWS SDK environment: region, the shared fake credentials, and one `AWS_ENDPOINT_URL_<SERVICE>` per emulated
 * service (honoured by the installed SDK v3: "Service-specific endpoints", AWS SDKs and Tools reference guide).
 */
export function sdkEnvironment(ports: LocalPorts): Record<string, string> {
  const urls = emulatorUrls(ports);
  return {
    AWS_REGION: localRegion,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: urls.dynamodb,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: urls.dynamodb,
    AWS_ENDPOINT_URL_S3: urls.s3,
    AWS_ENDPOINT_URL_SES: urls.ses,
    AWS_ENDPOINT_URL_SESV2: urls.ses,
    AWS_ENDPOINT_URL_SNS: urls.sns,
    AWS_ENDPOINT_URL_SQS: urls.sqs,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: urls.cognito,
    AWS_EC2_METADATA_DISABLED: 'true',
    // Node 20 is fine until 2027; the SDK's reminder would print once per process.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/**
 * Sets `vars` on `process.env` (the handlers run in this process and read it) and drops variables that would
 * send the SDK elsewhere (a developer's session token or profile).
 */
export function applyEnvironment(vars: Record<string, string>): void {
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_ENDPOINT_URL;
  Object.assign(process.env, vars);
}

/**
 * Creates the table unless it exists, waits until it is ACTIVE and turns TTL on `expiresAt` on (DynamoDB Local
 * accepts `UpdateTimeToLive` and deletes expired items with a REMOVE stream record).
 * @returns the table's latest stream ARN
 */
export async function ensureTable(dynamo: DynamoDBClient, tableName: string): Promise<string> {
  try {
    await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (errorName(error) !== 'ResourceNotFoundException') throw error;
    await dynamo.send(new CreateTableCommand(createTableInput(tableName)));
  }
  let table = (await dynamo.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  for (let attempt = 0; table?.TableStatus !== 'ACTIVE' && attempt < 50; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    table = (await dynamo.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  }
  const differences = indexDifferences(table?.GlobalSecondaryIndexes ?? [], tableName);
  if (differences.length > 0) {
    throw new Error(
      `The local table ${tableName} was made by an older version of this project (${differences.join('; ')}). ` +
        'Its data does not fit the current keys: run `npm run reset` to start over with fresh demo data.',
    );
  }
  const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
    await dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
      }),
    );
  }
  if (!table?.LatestStreamArn)
    throw new Error(`Table ${tableName} has no stream (StreamSpecification missing?)`);
  return table.LatestStreamArn;
}

/** How the table's indexes differ from the definition in `shared/platform/table.ts` (names, keys, projections). */
function indexDifferences(
  existing: readonly {
    IndexName?: string;
    KeySchema?: { AttributeName?: string }[];
    Projection?: { NonKeyAttributes?: string[]; ProjectionType?: string };
  }[],
  tableName: string,
): string[] {
  const describe = (index: (typeof existing)[number]) =>
    JSON.stringify([
      (index.KeySchema ?? []).map((key) => key.AttributeName),
      index.Projection?.ProjectionType,
      [...(index.Projection?.NonKeyAttributes ?? [])].sort(),
    ]);
  const have = new Map(existing.map((index) => [index.IndexName ?? '', describe(index)]));
  const want = new Map<string, string>(
    (createTableInput(tableName).GlobalSecondaryIndexes ?? []).map((index) => [
      index.IndexName as string,
      describe(index as (typeof existing)[number]),
    ]),
  );
  const differences: string[] = [];
  for (const [name, shape] of want) {
    if (!have.has(name)) differences.push(`index ${name} is missing`);
    else if (have.get(name) !== shape) differences.push(`index ${name} differs`);
  }
  for (const name of have.keys()) if (!want.has(name)) differences.push(`index ${name} is no longer used`);
  return differences;
}

async function findUserPoolId(
  cognito: CognitoIdentityProviderClient,
  persisted?: string,
): Promise<string | undefined> {
  if (persisted) {
    try {
      await cognito.send(new DescribeUserPoolCommand({ UserPoolId: persisted }));
      return persisted;
    } catch (error) {
      if (errorName(error) !== 'ResourceNotFoundException') throw error;
    }
  }
  const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  return pools.UserPools?.find((pool) => pool.Name === userPoolName)?.Id;
}

async function findClientId(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  persisted?: string,
): Promise<string | undefined> {
  if (persisted) {
    try {
      await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: persisted }));
      return persisted;
    } catch (error) {
      if (errorName(error) !== 'ResourceNotFoundException') throw error;
    }
  }
  const clients = await cognito.send(
    new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
  );
  return clients.UserPoolClients?.find((client) => client.ClientName === userPoolClientName)?.ClientId;
}

/**
 * The password policy of `lib/stacks/auth-stack.ts`: {@link passwordMinLength} (12) or more characters with lower
 * case, upper case and digits, no symbol required. cognito-local stores it but does not enforce it: locally the
 * API's request schema (`shared/users/schemas.ts`) is what refuses a weak password.
 */
export const localPasswordPolicy: PasswordPolicyType = {
  MinimumLength: passwordMinLength,
  RequireLowercase: true,
  RequireUppercase: true,
  RequireNumbers: true,
  RequireSymbols: false,
};

/**
 * The user pool (email as user name, {@link localPasswordPolicy}), its app client (USER_PASSWORD_AUTH and
 * REFRESH_TOKEN_AUTH, no secret, 1-hour access and ID tokens, 30-day refresh tokens, as deployed) and one group per
 * role. Reuses what exists, so restarts keep users and ids; a kept pool with an older password policy gets the
 * current one.
 */
export async function ensureUserPool(
  cognito: CognitoIdentityProviderClient,
  stateDir: string,
): Promise<{ userPoolId: string; userPoolClientId: string }> {
  const persisted = readPersisted(stateDir);
  let userPoolId = await findUserPoolId(cognito, persisted.userPoolId);
  if (!userPoolId) {
    const created = await cognito.send(
      new CreateUserPoolCommand({
        PoolName: userPoolName,
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
        Policies: { PasswordPolicy: localPasswordPolicy },
      }),
    );
    userPoolId = created.UserPool?.Id;
    if (!userPoolId) throw new Error('cognito-local returned no user pool id');
  } else {
    const pool = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
    if (pool.UserPool?.Policies?.PasswordPolicy?.MinimumLength !== localPasswordPolicy.MinimumLength) {
      await cognito.send(
        new UpdateUserPoolCommand({
          UserPoolId: userPoolId,
          AutoVerifiedAttributes: ['email'],
          Policies: { PasswordPolicy: localPasswordPolicy },
        }),
      );
    }
  }
  let userPoolClientId = await findClientId(cognito, userPoolId, persisted.userPoolClientId);
  if (!userPoolClientId) {
    const created = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: userPoolClientName,
        GenerateSecret: false,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        AccessTokenValidity: 60,
        IdTokenValidity: 60,
        RefreshTokenValidity: 30,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
      }),
    );
    userPoolClientId = created.UserPoolClient?.ClientId;
    if (!userPoolClientId) throw new Error('cognito-local returned no app client id');
  }
  for (const [index, role] of roleNames.entries()) {
    try {
      await cognito.send(
        new CreateGroupCommand({
          UserPoolId: userPoolId,
          GroupName: checkedGroupName(role),
          Precedence: index + 1,
        }),
      );
    } catch (error) {
      if (errorName(error) !== 'GroupExistsException') throw error;
    }
  }
  writePersisted(stateDir, { ...readPersisted(stateDir), userPoolId, userPoolClientId });
  return { userPoolId, userPoolClientId };
}

/**
 * The value of the local cursor key secret (served by `secrets-endpoint.ts`, read by the handlers at run time):
 * random per state directory, kept across restarts.
 */
export function cursorSigningKey(stateDir: string): string {
  const persisted = readPersisted(stateDir);
  if (persisted.cursorSigningKey) return persisted.cursorSigningKey;
  const key = randomBytes(32).toString('base64url');
  writePersisted(stateDir, { ...persisted, cursorSigningKey: key });
  return key;
}

/**
 * CORS rules of the images bucket (s3rver applies them at start): browsers POST uploads straight to S3 from any
 * local origin, and read images through presigned GET URLs.
 */
export function bucketCorsXml(): string {
  return `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;
}

/**
 * Creates the docs assets bucket unless it exists and stores the API reference page's script
 * (`shared/platform/docs-script.ts`: gzipped, with its `Content-Type`, `Content-Encoding` and `Cache-Control`) at its
 * versioned key, unless an object with the same bytes (ETag = MD5 of a single-part upload) is there already. Old
 * versions stay, as in AWS (`prune: false`).
 * @returns the key, and whether it was uploaded now
 */
export async function ensureDocsScript(
  s3Url: string,
  bucket: string = localDocsBucket,
): Promise<{ key: string; uploaded: boolean }> {
  const script = docsScript();
  const s3 = new S3Client({
    endpoint: s3Url,
    region: localRegion,
    credentials: localCredentials,
    forcePathStyle: true,
    // A plain Content-MD5-free PUT: s3rver does not read the SDK's default CRC32 checksum trailers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  try {
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (error) {
      if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(errorName(error) ?? '')) throw error;
    }
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: script.key }));
      if (head.ETag === `"${script.md5}"` && head.ContentEncoding === script.contentEncoding) {
        return { key: script.key, uploaded: false };
      }
    } catch (error) {
      if (errorName(error) !== 'NotFound') throw error;
    }
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: script.key,
        Body: script.body,
        ContentType: script.contentType,
        ContentEncoding: script.contentEncoding,
        CacheControl: script.cacheControl,
      }),
    );
    return { key: script.key, uploaded: true };
  } finally {
    s3.destroy();
  }
}

/** The application variables of `shared/platform/config.ts` and the docs page (`shared/platform/docs-page.ts`). */
export function applicationEnvironment(values: {
  tableName: string;
  bucket: string;
  userPoolId: string;
  userPoolClientId: string;
  apiUrl: string;
  /** ARN of the cursor key secret on the local Secrets Manager endpoint. */
  cursorSecretArn: string;
  docsBucket: string;
  docsScriptKey: string;
}): Record<string, string> {
  return {
    TABLE_NAME: values.tableName,
    IMAGES_BUCKET: values.bucket,
    S3_FORCE_PATH_STYLE: 'true',
    USER_POOL_ID: values.userPoolId,
    USER_POOL_CLIENT_ID: values.userPoolClientId,
    PUBLIC_API_URL: values.apiUrl,
    MAIL_FROM: localMailFrom,
    CURSOR_SECRET_ARN: values.cursorSecretArn,
    DOCS_BUCKET: values.docsBucket,
    DOCS_SCRIPT_KEY: values.docsScriptKey,
    // The operations settings (shared/inventory/config.ts): the demo inventory team approves cable requests.
    INVENTORY_ROLE: 'inventory',
    CABLE_APPROVER_GROUP: 'role:inventory',
  };
}
