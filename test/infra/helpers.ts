/**
 * Builds the app exactly as bin/app.ts does (lib/app.ts), with bundling skipped so a synth takes well under a
 * second, and gives the tests CloudFormation templates and policy statements to look at.
 */
import { Stack } from 'aws-cdk-lib';
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

/** The nested stacks directly under `stack` (not theirs). */
export function nestedStacksOf(stack: Stack): Stack[] {
  return stack.node
    .findAll()
    .filter(
      (construct): construct is Stack => Stack.isStack(construct) && construct.nestedStackParent === stack,
    );
}

/** Every stack of the app, nested stacks included. */
export function allStacks(built: HelpdeskApp): Stack[] {
  return built.app.node.findAll().filter((construct): construct is Stack => Stack.isStack(construct));
}

/** `value` with every `{ Ref: <name> }` of a name in `parameters` replaced by the parameter's value. */
function substituteParameters(value: unknown, parameters: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((item) => substituteParameters(item, parameters));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && entries[0]?.[0] === 'Ref' && typeof entries[0][1] === 'string') {
    const name = entries[0][1];
    if (name in parameters) return parameters[name];
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, substituteParameters(item, parameters)]));
}

/**
 * One template of `stack` and, recursively, its nested stacks: the nested stacks' resources are added to the
 * stack's own (their logical ids are those `stack.getLogicalId` gives their constructs, hence `logicalId(stack,
 * construct)` finds them), and each reference to a nested stack's parameter is replaced by the value the parent
 * passes it (`{ Ref: <secret> }` instead of `{ Ref: referencetoApi...Ref }`), so that a test reads a route's
 * function as if it were in the stack itself. The `AWS::CloudFormation::Stack` resources stay too.
 */
export function withNestedStacks(stack: Stack): Template {
  const merged = structuredClone(Template.fromStack(stack).toJSON()) as {
    Resources: Record<string, { Properties?: { Parameters?: Record<string, unknown> } }>;
  };
  const addNested = (
    parent: Stack,
    parentResources: typeof merged.Resources,
    into: typeof merged.Resources,
  ) => {
    for (const nested of nestedStacksOf(parent)) {
      const resource = defined(nested.nestedStackResource, `${nested.node.path} nested stack resource`);
      const own = parentResources[parent.getLogicalId(resource as Parameters<Stack['getLogicalId']>[0])];
      const parameters = (own?.Properties?.Parameters ?? {}) as Record<string, unknown>;
      const template = Template.fromStack(nested).toJSON() as { Resources: typeof merged.Resources };
      const resources = substituteParameters(template.Resources, parameters) as typeof merged.Resources;
      for (const [id, each] of Object.entries(resources)) {
        if (id in into) throw new Error(`${nested.node.path}: logical id ${id} also in ${stack.node.path}`);
        into[id] = each;
      }
      addNested(nested, resources, into);
    }
  };
  addNested(stack, merged.Resources, merged.Resources);
  return Template.fromJSON(merged);
}

export function templates(built: HelpdeskApp) {
  return {
    data: Template.fromStack(built.data),
    auth: Template.fromStack(built.auth),
    images: Template.fromStack(built.images),
    // The Api stack with its feature nested stacks merged in (see withNestedStacks).
    api: withNestedStacks(built.api),
    waf: Template.fromStack(built.waf),
    edge: Template.fromStack(built.edge),
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
