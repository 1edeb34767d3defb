/**
 * The operations settings reach only the functions whose route row reads them (`settings`,
 * `shared/platform/route-table.ts`), with the deploy config's values; a malformed setting fails the synth.
 */
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import type { Route } from '#shared/platform/route-table.ts';
import { routes } from '#shared/routes.ts';
import { readDeployConfig } from '../../lib/deploy-config.ts';
import { buildTestApp, defined, logicalId, templates } from './helpers.ts';

const allRoutes = routes as readonly Route[];

describe('operations settings', () => {
  const built = buildTestApp({ cableApproverGroup: 'role:stores', inventoryRole: 'stores' });
  const api = templates(built).api;
  const variables = (route: Route) =>
    (
      api.findResources('AWS::Lambda::Function')[
        logicalId(built.api, defined(built.api.functions.get(route.id), route.id).function)
      ] as { Properties: { Environment: { Variables: Record<string, unknown> } } }
    ).Properties.Environment.Variables;

  it('sets CABLE_APPROVER_GROUP on the rows that read it, and on no other function', () => {
    const reading = allRoutes.filter((route) => route.settings?.includes('cableApproverGroup'));
    expect(reading.map((route) => route.id).sort()).toEqual(
      expect.arrayContaining([
        'CreateTicket',
        'DecideApproval',
        'ReplaceTicket',
        'ShowApproval',
        'UpdateTicket',
      ]),
    );
    for (const route of allRoutes) {
      const expected = route.settings?.includes('cableApproverGroup') ? 'role:stores' : undefined;
      expect(variables(route).CABLE_APPROVER_GROUP, route.id).toBe(expected);
      const role = route.settings?.includes('inventoryRole') ? 'stores' : undefined;
      expect(variables(route).INVENTORY_ROLE, route.id).toBe(role);
    }
  });

  it('defaults the group to the inventory role and refuses a malformed one', () => {
    const config = (context: Record<string, string>) => readDeployConfig(new App({ context }));
    expect(config({})).toMatchObject({ inventoryRole: 'inventory', cableApproverGroup: 'role:inventory' });
    expect(config({ inventoryRole: 'stores' }).cableApproverGroup).toBe('role:stores');
    expect(config({ cableApproverGroup: 'u-1, u-2' }).cableApproverGroup).toBe('u-1, u-2');
    expect(() => config({ cableApproverGroup: 'role:' })).toThrow(/cableApproverGroup/);
    expect(() => config({ cableApproverGroup: 'role:Not A Role' })).toThrow(/cableApproverGroup/);
    expect(() => config({ cableApproverGroup: ' , ' })).toThrow(/cableApproverGroup/);
    expect(() => config({ inventoryRole: 'X' })).toThrow(/inventoryRole/);
  });
});
