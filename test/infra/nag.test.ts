/**
 * cdk-nag (AwsSolutions) over the whole synthesized app, the way `npm run synth` runs it: registered with
 * `Validations.of(app).addPlugins(...)` by lib/app.ts, reported through CDK's policy validation. An in-memory app
 * throws on any unacknowledged finding; the report lands in `<outdir>/validation-report.json`.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { skipBundling } from './helpers.ts';

function nagApp(context: Record<string, unknown> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'helpdesk-nag-'));
  const built = buildApp({
    context: { ...skipBundling, ...context },
    outdir,
    cloudFormationValidation: false,
  });
  return { ...built, outdir };
}

interface Report {
  pluginReports: { pluginName: string; conclusion: string; violations: { ruleName: string }[] }[];
}

/** Every acknowledgement declared in the tree, as `<construct path> <rule id>` with its reason. */
function declaredAcknowledgements(root: IConstruct): Map<string, string> {
  const acks = new Map<string, string>();
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        acks.set(`${construct.node.path} ${id.replace(/^annotation::/i, '')}`, reason);
      }
    }
  }
  return acks;
}

/**
 * Runs the pack again over the synthesized tree and records which acknowledgement silenced each finding
 * (wrapping the pack's lookup, which walks from the resource up to the root).
 */
function usedAcknowledgements(root: IConstruct): Set<string> {
  const pack = new AwsSolutionsChecks();
  const internals = pack as unknown as { isAcknowledged(node: IConstruct, ruleId: string): boolean };
  const original = internals.isAcknowledged.bind(pack);
  const used = new Set<string>();
  internals.isAcknowledged = (node, ruleId) => {
    const acknowledged = original(node, ruleId);
    if (acknowledged) {
      for (let current: IConstruct | undefined = node; current; current = current.node.scope) {
        const hit = current.node.metadata.some(
          (entry) =>
            entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY &&
            Object.keys((entry.data ?? {}) as object).some(
              (id) => id.replace(/^annotation::/i, '') === ruleId,
            ),
        );
        if (hit) {
          used.add(`${current.node.path} ${ruleId}`);
          break;
        }
      }
    }
    return acknowledged;
  };
  const report = pack.validateScope(root);
  expect(report.violations).toEqual([]);
  return used;
}

describe('cdk-nag AwsSolutions', () => {
  const dev = nagApp();
  let synthError: unknown;
  try {
    dev.app.synth();
  } catch (error) {
    synthError = error;
  }

  it('synthesizes with zero unacknowledged findings', () => {
    expect(synthError === undefined ? '' : String((synthError as Error).message)).toBe('');
    const report = JSON.parse(readFileSync(join(dev.outdir, 'validation-report.json'), 'utf8')) as Report;
    const nag = report.pluginReports.filter((plugin) => plugin.pluginName === 'AwsSolutions');
    expect(nag.flatMap((plugin) => plugin.violations.map((violation) => violation.ruleName))).toEqual([]);
  });

  it('uses every acknowledgement, each with a real reason', () => {
    const declared = declaredAcknowledgements(dev.app);
    expect(declared.size).toBeGreaterThan(10);
    for (const [key, reason] of declared) {
      expect(reason.length, key).toBeGreaterThan(40);
    }
    const used = usedAcknowledgements(dev.app);
    expect([...declared.keys()].filter((key) => !used.has(key)).sort()).toEqual([]);
  });

  it('acknowledges APIG4 only on public routes and IAM5 only for named prefixes, SMS or the docs deployment', () => {
    const ids = [...declaredAcknowledgements(dev.app).keys()];
    const apig4 = ids.filter((key) => key.endsWith(' AwsSolutions-APIG4'));
    expect(apig4.map((key) => key.split(' ')[0]).sort()).toEqual(
      // Each feature's routes are a nested stack of Api (lib/stacks/api-routes-stack.ts); the $default route is Api's.
      [
        'Api/ApprovalsRoutes/DecideApprovalRoute',
        'Api/ApprovalsRoutes/ShowApprovalRoute',
        'Api/HealthRoutes/GetHealthRoute',
        'Api/OpenapiRoutes/GetOpenApiRoute',
        'Api/DocsRoutes/GetDocsRoute',
        'Api/UsersRoutes/LogInRoute',
        'Api/UsersRoutes/RefreshTokensRoute',
        'Api/UsersRoutes/SetNewPasswordRoute',
        'Api/UsersRoutes/SignUpRoute',
        'Api/UsersRoutes/ConfirmSignUpRoute',
        'Api/UsersRoutes/ResendConfirmationCodeRoute',
        'Api/NotFoundRoute',
      ].sort(),
    );
    // BucketDeployment's role (aws-cdk-lib's fixed grants, deploy time only): nothing else may take wildcards.
    const deploymentRole = 'Api/DocsAssets/DeploymentRole ';
    for (const key of ids.filter(
      (id) => id.includes('AwsSolutions-IAM5') && !id.startsWith(deploymentRole),
    )) {
      expect(key).toMatch(/IAM5\[Resource::(.+\/tickets\/\*|\*)\]$/);
    }
    expect(
      ids
        .filter((id) => id.startsWith(deploymentRole))
        .map((id) => id.slice(deploymentRole.length))
        .sort(),
    ).toEqual(
      [
        'AwsSolutions-IAM5[Action::s3:Abort*]',
        'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        'AwsSolutions-IAM5[Action::s3:GetObject*]',
        'AwsSolutions-IAM5[Action::s3:List*]',
        'AwsSolutions-IAM5[Resource::<DocsAssetsBucket39BB6BDA.Arn>/*]',
        'AwsSolutions-IAM5[Resource::arn:aws:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-us-east-1/*]',
      ].sort(),
    );
    // "*" only where IAM has no resource type: SMS publish, SMS preferences, and X-Ray writes, each in a policy
    // holding only those actions (test/infra/notifications.test.ts, test/infra/monitoring.test.ts).
    const star = ids.filter((id) => id.endsWith('IAM5[Resource::*]'));
    expect(star.filter((id) => !/\/XRayWrite AwsSolutions-IAM5\[Resource::\*\]$/.test(id)).sort()).toEqual([
      // The phone-verification route's SMS (the `sms:send` grant, lib/constructs/grants.ts), in the users routes stack.
      'Api/UsersRoutes/RequestPhoneCode/Role/SmsPublish AwsSolutions-IAM5[Resource::*]',
      'Notifications/SmsPreferences AwsSolutions-IAM5[Resource::*]',
      'Notifications/SmsPublish AwsSolutions-IAM5[Resource::*]',
    ]);
    expect(star.filter((id) => id.includes('/XRayWrite ')).length).toBeGreaterThan(40);
  });

  it('acknowledges on the CloudFront distribution only the geo restriction and the default certificate’s TLS', () => {
    const ids = [...declaredAcknowledgements(dev.app).keys()].filter((key) => key.startsWith('Edge/'));
    expect(ids.sort()).toEqual([
      'Edge/AccessLogs AwsSolutions-S1',
      'Edge/Distribution AwsSolutions-CFR1',
      'Edge/Distribution AwsSolutions-CFR4',
    ]);
    expect([...declaredAcknowledgements(dev.app).keys()].filter((key) => key.startsWith('Waf/'))).toEqual([]);
  });

  it('fails the synth when a finding is not acknowledged', () => {
    const broken = nagApp();
    // A bucket without access logs, TLS enforcement or a reason: S1 and S10.
    new Bucket(broken.images, 'Careless');
    // The same in a nested stack (a feature's routes, lib/stacks/api-routes-stack.ts): the pack checks it too.
    const tickets = broken.api.routeStacks.get('tickets');
    if (!tickets) throw new Error('missing: the tickets routes stack');
    new Bucket(tickets, 'Careless');
    let message = '';
    try {
      broken.app.synth();
    } catch (error) {
      message = String((error as Error).message);
    }
    expect(message).toMatch(/AwsSolutions-S1[\s\S]*Images\/Careless|Images\/Careless[\s\S]*S1/);
    expect(message).toMatch(/Api\/TicketsRoutes\/Careless/);
  });

  it('is clean for prod settings too, in a region other than the web ACL’s (us-east-1)', () => {
    const prod = nagApp({
      stage: 'prod',
      region: 'eu-west-1',
      corsOrigins: 'https://help.example.org',
      mailFrom: 'help@example.org',
    });
    expect(() => prod.app.synth()).not.toThrow();
  });
});
