import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Route } from '#shared/platform/route-table.ts';
import { builtInRoles } from '#shared/roles/roles.ts';
import { routes } from '#shared/routes.ts';

const permissionFlags = Object.keys(builtInRoles.admin);
const bodyMethods = ['POST', 'PATCH', 'PUT'];

describe('route table', () => {
  it('has one row per method and path, with unique ids', () => {
    expect(new Set(routes.map((route) => `${route.method} ${route.path}`)).size).toBe(routes.length);
    expect(new Set(routes.map((route) => route.id)).size).toBe(routes.length);
  });

  it('gives every row a handler file, a permission, schemas for its path parameters and body, and a success', () => {
    for (const route of routes) {
      expect([route.id, existsSync(new URL(`../../${route.entry}`, import.meta.url))]).toEqual([
        route.id,
        true,
      ]);
      expect(['public', 'signed-in', ...permissionFlags]).toContain(route.permission);
      expect([route.id, route.params !== undefined]).toEqual([route.id, route.path.includes('{')]);
      if (bodyMethods.includes(route.method))
        expect([route.id, route.body !== undefined]).toEqual([route.id, true]);
      expect(route.success.status).toBeGreaterThanOrEqual(200);
    }
  });

  it('serves each row from the handler its entry exports, bound to that very row (idempotent rows too)', async () => {
    for (const route of routes) {
      // The route wrapper refuses, at import, a row marked idempotent that is not served by idempotentRoute
      // and the reverse; and it exposes the row it serves.
      const module = (await import(/* @vite-ignore */ `../../${route.entry}`)) as {
        handler: { route: Route };
      };
      expect([route.id, module.handler.route]).toEqual([route.id, route]);
    }
    // Importing every handler (about a hundred module graphs) takes several seconds on a loaded machine.
  }, 120_000);

  it("keeps each summary short enough to be its function's description (Lambda: at most 256 characters)", () => {
    for (const route of routes) {
      expect([route.id, `${route.method} ${route.path}: ${route.summary}`.length <= 256]).toEqual([
        route.id,
        true,
      ]);
    }
  });

  it('lets every route that honours Idempotency-Key write the table (its records live there)', () => {
    const idempotent = routes.filter((route) => route.idempotent);
    expect(idempotent.map((route) => route.id).sort()).toEqual([
      'CreateComment',
      'CreateCommentOnTicket',
      'CreateCustomer',
      'CreateImageUpload',
      'CreateInventoryAdjustment',
      'CreateInventoryReceipt',
      'CreateTicket',
      'ReplaceImage',
      'SendMessage',
    ]);
    // The inventory's writes may write the idempotency records too (`table:writeInventory`).
    for (const route of idempotent)
      expect(route.grants.some((grant) => grant === 'table:write' || grant === 'table:writeInventory')).toBe(
        true,
      );
  });

  it('keeps idempotency to authenticated POSTs, where the key can be scoped to the caller', () => {
    for (const route of routes.filter((row) => row.idempotent)) {
      expect(route.method).toBe('POST');
      expect(route.permission).not.toBe('public');
    }
  });
});
