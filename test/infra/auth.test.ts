import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { groupNamePattern } from '#shared/roles/roles.ts';
import { passwordMinLength } from '#shared/users/schemas.ts';
import { buildTestApp, templates } from './helpers.ts';

describe('auth stack', () => {
  const auth = templates(buildTestApp()).auth;

  it('lets requesters sign up alone and sign in with their email', () => {
    auth.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
    });
  });

  it('requires 12+ characters (the API schema’s minimum too) with upper case, lower case and digits', () => {
    expect(passwordMinLength).toBe(12);
    auth.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireUppercase: true,
          RequireLowercase: true,
          RequireNumbers: true,
        }),
      },
    });
  });

  it('has the admin, agent and requester groups, admin taking precedence', () => {
    const groups = Object.values(auth.findResources('AWS::Cognito::UserPoolGroup')).map(
      (group) => (group as { Properties: { GroupName: string; Precedence: number } }).Properties,
    );
    expect(groups.map((group) => group.GroupName).sort()).toEqual(['admin', 'agent', 'requester']);
    // No space, comma or bracket: HTTP API hands `cognito:groups` to functions as `[a b]`.
    for (const group of groups) expect(group.GroupName).toMatch(groupNamePattern);
    const precedence = Object.fromEntries(groups.map((group) => [group.GroupName, group.Precedence]));
    expect(precedence.admin).toBeLessThan(precedence.agent ?? 0);
    expect(precedence.agent).toBeLessThan(precedence.requester ?? 0);
  });

  it('has one public app client with USER_PASSWORD_AUTH and refresh tokens, no secret', () => {
    auth.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    auth.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: Match.arrayEquals(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
  });

  it('outputs the pool id, the client id and the issuer', () => {
    const outputs = Object.keys(auth.findOutputs('*'));
    expect(outputs).toEqual(expect.arrayContaining(['UserPoolId', 'UserPoolClientId', 'Issuer']));
  });

  it('sends Cognito’s own mails through SES from mailFrom, with the configuration set, not Cognito’s capped sender', () => {
    const custom = templates(buildTestApp({ mailFrom: 'help@support.example.org', region: 'eu-west-1' }));
    custom.auth.hasResourceProperties('AWS::Cognito::UserPool', {
      EmailConfiguration: {
        EmailSendingAccount: 'DEVELOPER',
        From: 'Help desk <help@support.example.org>',
        SourceArn: {
          'Fn::Join': [
            '',
            ['arn:aws:ses:eu-west-1:', { Ref: 'AWS::AccountId' }, ':identity/help@support.example.org'],
          ],
        },
        ConfigurationSet: {
          'Fn::ImportValue': Match.stringLikeRegexp('^helpdesk-dev-data:ExportsOutputRefMailConfiguration'),
        },
      },
    });
  });
});
