/**
 * Auth: the Cognito user pool (sign-up, login, tokens), its role groups and the app client the API uses.
 *
 * Requesters sign up alone (self sign-up); agents and admins are made by an admin (group membership). The
 * API's JWT authorizer trusts this pool's issuer and this client id.
 *
 * Cognito's own mails (verification codes, temporary passwords, password resets) go through SES from the deploy
 * config's `mailFrom` with the service's configuration set (Data stack), not through Cognito's default sender,
 * which is capped at 50 mails a day per account ("Email settings for Amazon Cognito user pools", Cognito developer
 * guide). The identity must be verified in SES in the stack's region, like the notifier's.
 */
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  UserPool,
  type UserPoolClient,
  UserPoolEmail,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { checkedGroupName, type RoleName, roleNames } from '#shared/roles/roles.ts';
import { passwordMinLength } from '#shared/users/schemas.ts';
import type { DeployConfig } from '../deploy-config.ts';

/**
 * One group per built-in role (`roleNames`, shared/domain/roles.ts); `cognito:groups` in the tokens carries them.
 * When a user is in several groups, the lowest precedence wins.
 */
export const groupSettings: Readonly<Record<RoleName, { precedence: number; description: string }>> = {
  admin: { precedence: 0, description: 'Everything, including users and roles' },
  agent: { precedence: 10, description: 'Sees all tickets, replies, changes status, approves' },
  requester: { precedence: 20, description: 'Creates and follows their own tickets' },
};

export interface AuthStackProps extends StackProps {
  readonly config: DeployConfig;
  /** Name of the SES configuration set of every mail the service sends (`DataStack.mailConfigurationSet`). */
  readonly mailConfigurationSetName: string;
}

export class AuthStack extends Stack {
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;

  constructor(scope: Construct, id: string, props: AuthStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
        phoneNumber: { required: false, mutable: true },
      },
      // 12+ characters (the API's new-password schema, `passwordMinLength`, checks the same length, the pool's
      // character classes and the common-password list; Cognito's Essentials plan has no such list).
      passwordPolicy: {
        minLength: passwordMinLength,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: false,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OFF,
      featurePlan: FeaturePlan.ESSENTIALS,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      email: UserPoolEmail.withSES({
        fromEmail: config.mailFrom,
        fromName: 'Help desk',
        configurationSetName: props.mailConfigurationSetName,
      }),
      deletionProtection: config.isProd,
      removalPolicy: config.removalPolicy,
    });

    for (const role of roleNames) {
      new UserPoolGroup(this, `${role[0]?.toUpperCase()}${role.slice(1)}Group`, {
        userPool: this.userPool,
        // Validated: the authorizer passes the groups as `[a b]`, so no space, comma or bracket in a name.
        groupName: checkedGroupName(role),
        ...groupSettings[role],
      });
    }

    // A public client (no secret): the API's login and refresh routes call InitiateAuth with
    // USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH on behalf of browsers and other clients.
    this.userPoolClient = this.userPool.addClient('ApiClient', {
      authFlows: { userPassword: true },
      generateSecret: false,
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    const pool = Validations.of(this.userPool);
    pool.acknowledge({
      id: 'AwsSolutions-COG1',
      reason:
        'Password policy is the product decision: at least 12 characters with upper case, lower case and digits, ' +
        'no mandatory symbol (NIST SP 800-63B advises against composition rules and asks for a blocklist of ' +
        'common passwords, which the API checks on every new password); Cognito still rejects passwords that do ' +
        'not meet the policy.',
    });
    pool.acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is off: requesters sign up alone and log in through the API with USER_PASSWORD_AUTH, which has no ' +
        'MFA challenge step yet. Compensating controls: API throttling, Cognito lockout after failed sign-ins, ' +
        'short-lived (1 h) access tokens with revocable refresh tokens.',
    });
    pool.acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Essentials feature plan by choice: Plus (threat protection, compromised-credential checks) is billed ' +
        'per monthly active user, which this help desk does not need at launch; switch featurePlan to PLUS when ' +
        'the risk profile asks for it.',
    });

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'Issuer', {
      value: `https://cognito-idp.${this.region}.amazonaws.com/${this.userPool.userPoolId}`,
    });
  }
}
