/**
 * Builds the app exactly as bin/app.ts does (lib/app.ts), with bundling skipped so a synth takes well under a
 * second, and gives the tests CloudFormation templates and policy statements to look at.
 */
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type BuildAppOptions, buildApp, type HelpdeskApp } from '../../lib/app.ts';

/**
 * Context that skips asset bundling for every stack and asset staging (file assets are referenced where they are
 * instead of copied into the cloud assembly: the docs deployment's AWS CLI layer alone is 22 MB per synth), and
 * pins the region so that the environment of the machine running the tests (CDK_DEFAULT_REGION) does not change
 * the templates.
 */
export const skipBundling = {
  'aws:cdk:bundling-stacks': [],
  'aws:cdk:disable-asset-staging': true,
  region: 'us-east-1',
} as const;

/** The app without cdk-nag and CloudFormation validation (they have their own test), bundling skipped. */
export function buildTestApp(
  context: Record<string, unknown> = {},
  options: BuildAppOptions = {},
): HelpdeskApp {
  return buildApp({
    nag: false,
    cloudFormationValidation: false,
    ...options,
    context: { ...skipBundling, ...context },
  });
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Sid?: string;
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** Every statement of every AWS::IAM::Policy of a template attached to the role with this logical id. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } } }
  >;
  return Object.values(policies)
    .filter((policy) => policy.Properties.Roles.some((role) => role.Ref === roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** Logical id of a construct's CloudFormation resource (its default child). */
export function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  const child = construct.node.defaultChild;
  if (!child) throw new Error('construct has no default child');
  return stack.getLogicalId(child as Parameters<Stack['getLogicalId']>[0]);
}

export function templates(built: HelpdeskApp) {
  return {
    data: Template.fromStack(built.data),
    auth: Template.fromStack(built.auth),
    images: Template.fromStack(built.images),
    api: Template.fromStack(built.api),
    notifications: Template.fromStack(built.notifications),
  };
}

/** The value, or a test failure naming what was missing. */
export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`missing: ${what}`);
  return value;
}

/** The single element of `items`, or a test failure. */
export function only<T>(items: readonly T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, got ${items.length}`);
  return items[0] as T;
}
