/**
 * Turns the `grants` of a route (see `Grant` in shared/platform/route-table.ts) into least-privilege IAM statements.
 *
 * Narrower than `grantReadData` / `grantWriteData`: no Scan (the product forbids Scan on request paths), no
 * stream actions, and the indexes are named one by one (`table/index/gsi1` ...) instead of `table/index/*`, so
 * the policies carry no wildcard at all. The SQS grants name each queue by its ARN, with only the actions the
 * operation calls. `docs:read` names one object by its full key.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, type IGrantable, type IRole, Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { IMAGE_KEY_PREFIX } from '#shared/images/object-key.ts';
import type { Grant, Route } from '#shared/platform/route-table.ts';
import { globalSecondaryIndexes } from '#shared/platform/table.ts';

/** Every image object lives under this key prefix (`tickets/<ticketId>/images/<imageId>`). */
export const imageKeyPrefix = IMAGE_KEY_PREFIX;

export const tableReadActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
] as const;
export const tableWriteActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;
/**
 * `userPool:admin`: the four actions `Grant` names. AdminDeleteUser is among them because self sign-up
 * (`signUpRequester` in shared/users/accounts.ts) deletes the Cognito user again when a step after SignUp fails,
 * so the email can sign up once more; without it that rollback would fail silently in AWS (the emulator does not
 * check IAM).
 */
export const userPoolAdminActions = [
  'cognito-idp:AdminConfirmSignUp',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminDeleteUser',
] as const;

/**
 * `userPool:manage`: user administration (`shared/users/accounts.ts`): create an account with a temporary password
 * (and delete it again when the profile write fails), find an account by email, change its email and name, move
 * it between role groups, disable and enable it. No password or token action: ChangePassword, InitiateAuth,
 * RespondToAuthChallenge and RevokeToken take no IAM permission.
 */
export const userPoolManageActions = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminUpdateUserAttributes',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
] as const;

/**
 * `userPool:email`: switching a user to the new email address they verified (`verifyEmailCode`,
 * shared/users/email-verification.ts): find who holds the address, set it (and set the old one back if the profile
 * write fails). Nothing else of user administration.
 */
export const userPoolEmailActions = [
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminUpdateUserAttributes',
] as const;

/**
 * `deliveries:inspect` on the dead-letter queue: a peek is a ReceiveMessage with visibility timeout 0 (it deletes
 * and hides nothing), plus GetQueueAttributes for the message count (`listDeadLetters` in
 * shared/notifications/dead-letters.ts).
 */
export const deadLetterInspectActions = ['sqs:ReceiveMessage', 'sqs:GetQueueAttributes'] as const;
/**
 * `deliveries:redrive` on the dead-letter queue: receive, delete what was moved (DeleteMessageBatch is authorized
 * as `sqs:DeleteMessage`), count what is left (`redriveDeadLetters`).
 */
export const deadLetterRedriveActions = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
] as const;
/**
 * `deliveries:redrive` on the delivery queue: SendMessageBatch is authorized as `sqs:SendMessage` ("Amazon SQS API
 * permissions: Actions and resource reference", SQS developer guide). Both queues use SQS-managed encryption, so no
 * KMS action is needed.
 */
export const deliveryRedriveActions = ['sqs:SendMessage'] as const;

export interface GrantTargets {
  readonly table: ITableV2;
  /** ARN pattern of the image objects, `<bucket ARN>/tickets/*` (see `imageObjectsArn`). */
  readonly imageObjectsArn: string;
  readonly userPoolArn: string;
  /** Planned notifications (`DataStack.deliveryQueue`). */
  readonly deliveryQueue: IQueue;
  /** Its dead-letter queue (`DataStack.deliveryDeadLetterQueue`). */
  readonly deliveryDeadLetterQueue: IQueue;
  /** ARN of the one object the docs page presigns, `<docs bucket ARN>/<key>` (`DocsAssets.scriptObjectArn`). */
  readonly docsScriptObjectArn: string;
  /** ARNs of the SES sender identity: the `mailFrom` address and its domain (SES authorizes against either). */
  readonly mailIdentityArns: readonly string[];
  /** ARN of the stage's SES configuration set, which every mail names (`mailConfigurationSetName`). */
  readonly mailConfigurationSetArn: string;
}

/** ARN pattern of the image objects: `<bucket ARN>/tickets/*`. */
export function imageObjectsArn(bucketArn: string): string {
  return `${bucketArn}/${imageKeyPrefix}*`;
}

export function grantTableRead(grantee: IGrantable, table: ITableV2): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'TableRead',
      actions: [...tableReadActions],
      resources: [table.tableArn],
    }),
  );
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'IndexQuery',
      actions: ['dynamodb:Query'],
      resources: globalSecondaryIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`),
    }),
  );
}

/**
 * The partitions `table:readCounters` may read (IAM `dynamodb:LeadingKeys`): the caller's profile `USER#<sub>` and
 * custom role items `ROLES` (the route wrapper resolves the actor from them, `shared/roles/actor.ts`), the dashboard
 * counters `STATS#*` and the cable balances `INVENTORY` (`shared/dashboard/operations.ts`).
 */
export const counterReadKeyPatterns = ['USER#*', 'ROLES', 'STATS#*', 'INVENTORY'] as const;

/** `table:readCounters`: GetItem and Query on the table, on {@link counterReadKeyPatterns} only; no index. */
export function grantCounterRead(grantee: IGrantable, table: ITableV2): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'CounterRead',
      actions: ['dynamodb:GetItem', 'dynamodb:Query'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...counterReadKeyPatterns] } },
    }),
  );
}

/**
 * The partitions `table:writeInventory` may write (IAM `dynamodb:LeadingKeys`): the cable balances `INVENTORY`, the
 * movements and receipts `INVENTORY#*` (`shared/inventory/inventory.entity.ts`), and the `Idempotency-Key` records
 * `IDEMPOTENCY#*` (`shared/platform/idempotency.ts`). A transaction's writes are authorized item by item as these
 * actions, so a receipt or an adjustment can write nothing else.
 */
export const inventoryWriteKeyPatterns = ['INVENTORY', 'INVENTORY#*', 'IDEMPOTENCY#*'] as const;

/** `table:writeInventory`: PutItem, UpdateItem, DeleteItem on {@link inventoryWriteKeyPatterns} only. */
export function grantInventoryWrite(grantee: IGrantable, table: ITableV2): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'InventoryWrite',
      actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...inventoryWriteKeyPatterns] } },
    }),
  );
}

export function grantTableWrite(grantee: IGrantable, table: ITableV2): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ sid: 'TableWrite', actions: [...tableWriteActions], resources: [table.tableArn] }),
  );
}

/** Applies each grant of a route to `grantee`. */
export function applyGrants(grantee: IGrantable, grants: readonly Grant[], targets: GrantTargets): void {
  for (const grant of grants) {
    switch (grant) {
      case 'table:read':
        grantTableRead(grantee, targets.table);
        break;
      case 'table:readCounters':
        grantCounterRead(grantee, targets.table);
        break;
      case 'table:write':
        grantTableWrite(grantee, targets.table);
        break;
      case 'table:writeInventory':
        grantInventoryWrite(grantee, targets.table);
        break;
      case 'images:read':
        grantee.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({
            sid: 'ImagesRead',
            actions: ['s3:GetObject'],
            resources: [targets.imageObjectsArn],
          }),
        );
        break;
      case 'images:upload':
        grantee.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({
            sid: 'ImagesUpload',
            actions: ['s3:PutObject'],
            resources: [targets.imageObjectsArn],
          }),
        );
        break;
      case 'images:delete':
        grantee.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({
            sid: 'ImagesDelete',
            actions: ['s3:DeleteObject'],
            resources: [targets.imageObjectsArn],
          }),
        );
        break;
      case 'userPool:admin':
        grantee.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({
            sid: 'UserPoolAdmin',
            actions: [...userPoolAdminActions],
            resources: [targets.userPoolArn],
          }),
        );
        break;
      case 'userPool:manage':
        grantee.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({
            sid: 'UserPoolManage',
            actions: [...userPoolManageActions],
            resources: [targets.userPoolArn],
          }),
        );
        break;
      case 'userPool:email':
        grantee.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({
            sid: 'UserPoolEmail',
            actions: [...userPoolEmailActions],
            resources: [targets.userPoolArn],
          }),
        );
        break;
      case 'deliveries:inspect':
        grantee.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({
            sid: 'DeadLettersInspect',
            actions: [...deadLetterInspectActions],
            resources: [targets.deliveryDeadLetterQueue.queueArn],
          }),
        );
        break;
      case 'deliveries:send':
        grantee.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({
            sid: 'DeliveriesSend',
            actions: [...deliveryRedriveActions],
            resources: [targets.deliveryQueue.queueArn],
          }),
        );
        break;
      case 'deliveries:redrive':
        grantee.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({
            sid: 'DeadLettersRedrive',
            actions: [...deadLetterRedriveActions],
            resources: [targets.deliveryDeadLetterQueue.queueArn],
          }),
        );
        grantee.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({
            sid: 'DeliveriesSend',
            actions: [...deliveryRedriveActions],
            resources: [targets.deliveryQueue.queueArn],
          }),
        );
        break;
      case 'docs:read':
        grantee.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({
            sid: 'DocsScriptRead',
            actions: ['s3:GetObject'],
            resources: [targets.docsScriptObjectArn],
          }),
        );
        break;
      case 'mail:send':
        grantee.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({
            sid: 'SendEmail',
            actions: ['ses:SendEmail'],
            resources: [...targets.mailIdentityArns, targets.mailConfigurationSetArn],
          }),
        );
        break;
      case 'sms:send': {
        // As the notification sender's (notifications-stack.ts): SMS to a phone number has no resource ARN, so
        // "*", with an explicit Deny on every SNS ARN (topics, endpoints), in a policy of its own so that the
        // acknowledgement covers exactly this statement.
        const role = grantee.grantPrincipal as IRole;
        const policy = new Policy(role, 'SmsPublish', {
          statements: [
            new PolicyStatement({ sid: 'PublishSms', actions: ['sns:Publish'], resources: ['*'] }),
            new PolicyStatement({
              sid: 'NoTopicOrEndpointPublish',
              effect: Effect.DENY,
              actions: ['sns:Publish'],
              resources: [`arn:${Stack.of(role).partition}:sns:*:*:*`],
            }),
          ],
        });
        role.attachInlinePolicy(policy);
        Validations.of(policy).acknowledge({
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'sns:Publish straight to a phone number (an SMS code) has no resource ARN to scope to; IAM requires "*". ' +
            'The policy holds only this one action, and denies it explicitly on every SNS topic and endpoint ARN.',
        });
        break;
      }
      default: {
        const unknown: never = grant;
        throw new Error(`Unknown grant ${String(unknown)}`);
      }
    }
  }
}

/** The one action a function needs to read a secret at run time (`shared/platform/secrets.ts`). */
export const secretReadActions = ['secretsmanager:GetSecretValue'] as const;

/**
 * Routes that use the cursor key although their query takes no `cursor`, by route id, with what for. Kept by
 * `test/infra/api.test.ts`, which finds the routes whose bundles hold the cursor code.
 */
export const cursorKeyRoutesWithoutCursorQuery: Readonly<Record<string, string>> = {
  LogIn: 'MACs the password-change session it may answer with (shared/users/tokens.ts)',
  SetNewPassword: 'checks the MAC of that session',
  GetTicket: 'answers the first page of the ticket thread with a cursor for the next',
  GetCustomer: 'answers a first page with a cursor for the next',
};

/**
 * Whether a route's function seals or opens cursors (`shared/platform/cursor.ts`), so it gets the cursor key
 * secret's ARN and may read the secret: its query schema has a `cursor` field, or it is listed in
 * {@link cursorKeyRoutesWithoutCursorQuery}. `test/infra/api.test.ts` checks this against the bundles: exactly
 * these functions' bundles hold the cursor code.
 */
export function usesCursorKey(route: Pick<Route, 'id' | 'query'>): boolean {
  if (route.id in cursorKeyRoutesWithoutCursorQuery) return true;
  type Def = { shape?: Record<string, unknown>; in?: { _zod?: { def?: Def } } };
  let def = (route.query as { _zod?: { def?: Def } } | undefined)?._zod?.def;
  // A refined or piped object schema keeps its object in `in`.
  while (def && !def.shape && def.in) def = def.in._zod?.def;
  return def?.shape !== undefined && 'cursor' in def.shape;
}

/**
 * `secretsmanager:GetSecretValue` on one secret, by its full ARN (no DescribeSecret, no other secret). The secret
 * is encrypted with the AWS managed key `aws/secretsmanager`, whose key policy lets Secrets Manager decrypt for any
 * principal of the account that may read the secret, so no KMS statement is needed ("Secret encryption and
 * decryption in AWS Secrets Manager"); a customer managed key would need `kms:Decrypt` with
 * `kms:ViaService = secretsmanager.<region>.amazonaws.com` here.
 */
export function grantSecretRead(grantee: IGrantable, secret: ISecret, sid: string): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ sid, actions: [...secretReadActions], resources: [secret.secretArn] }),
  );
}
