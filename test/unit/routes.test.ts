import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes } from '#shared/http/routes.ts';

describe('route table', () => {
  it('has one row per method and path, with unique ids', () => {
    expect(new Set(routes.map((route) => `${route.method} ${route.path}`)).size).toBe(routes.length);
    expect(new Set(routes.map((route) => route.id)).size).toBe(routes.length);
  });

  it('lets every route that honours Idempotency-Key write the table (its records live there)', () => {
    const idempotent = routes.filter((route) => 'idempotent' in route && route.idempotent);
    expect(idempotent.map((route) => route.id).sort()).toEqual([
      'CreateComment',
      'CreateImageUpload',
      'CreateTicket',
    ]);
    for (const route of idempotent) expect(route.grants).toContain('table:write');
  });

  it('marks exactly the routes whose handler is an idempotentRoute (the OpenAPI document reads the mark)', () => {
    for (const route of routes) {
      const source = readFileSync(new URL(`../../${route.entry}`, import.meta.url), 'utf8');
      const marked = 'idempotent' in route && route.idempotent === true;
      expect([route.id, source.includes('idempotentRoute(')]).toEqual([route.id, marked]);
    }
  });

  it('keeps idempotency to authenticated POSTs, where the key can be scoped to the caller', () => {
    for (const route of routes.filter((row) => 'idempotent' in row && row.idempotent)) {
      expect([route.method, route.access]).toEqual(['POST', 'authenticated']);
    }
  });
});
