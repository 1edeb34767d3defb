/**
 * Claims as Cognito and API Gateway emit them (`shared/roles/actor.ts`): `cognito:groups` is a JSON array in the
 * token and a `[a b]` string through the HTTP API JWT authorizer ("Pass JWT claims to your integration", API Gateway
 * developer guide; reproduced by `scripts/local/jwt-authorizer.ts`), never a comma list; group names never hold a
 * space, comma or bracket; and only access tokens (`token_use` = `access`) are taken, never ID tokens.
 */
import { describe, expect, it, vi } from 'vitest';
import { NotAuthenticated } from '#shared/platform/errors.ts';
import { claimValues, isAccessToken, resolveActor, tokenGroups } from '#shared/roles/actor.ts';
import { builtInRoles, checkedGroupName, groupNamePattern, roleNames } from '#shared/roles/roles.ts';
import { renderClaim, renderClaims } from '../../scripts/local/jwt-authorizer.ts';

const { findUser } = vi.hoisted(() => ({
  findUser: vi.fn(async (userId: string) => ({
    userId,
    email: `${userId}@example.com`,
    name: 'U',
    role: 'agent',
    smsOptIn: false,
    disabled: false,
    createdAt: '2026-01-01T00:00:00.000Z',
  })),
}));
vi.mock('#shared/users/profiles.ts', () => ({ findUser, findUsers: vi.fn() }));

/** The payload of a Cognito access token and of an ID token of the same sign-in (Cognito developer guide). */
const now = Math.floor(Date.now() / 1000);
const accessPayload = {
  sub: 'u-1',
  'cognito:groups': ['admin', 'agent'],
  iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example',
  client_id: 'client-1',
  origin_jti: 'o-1',
  event_id: 'e-1',
  token_use: 'access',
  scope: 'aws.cognito.signin.user.admin',
  auth_time: now,
  exp: now + 3600,
  iat: now,
  jti: 'j-1',
  username: 'u-1',
};
const idPayload = {
  sub: 'u-1',
  'cognito:groups': ['admin', 'agent'],
  email_verified: true,
  iss: accessPayload.iss,
  'cognito:username': 'u-1',
  aud: 'client-1',
  token_use: 'id',
  auth_time: now,
  exp: now + 3600,
  iat: now,
  email: 'u-1@example.com',
};

describe('cognito:groups in every form it arrives', () => {
  it('reads the JSON array of the token itself', () => {
    expect(tokenGroups(accessPayload)).toEqual(['admin', 'agent']);
  });

  it('reads the HTTP API rendering "[admin agent]" (as the local authorizer renders it)', () => {
    expect(renderClaims(accessPayload)['cognito:groups']).toBe('[admin agent]');
    expect(tokenGroups(renderClaims(accessPayload))).toEqual(['admin', 'agent']);
    expect(claimValues('[admin]')).toEqual(['admin']);
    expect(claimValues('[]')).toEqual([]);
  });

  it('reads the array as JSON text and a single value', () => {
    expect(claimValues('["admin","agent"]')).toEqual(['admin', 'agent']);
    expect(claimValues('requester')).toEqual(['requester']);
    expect(claimValues(undefined)).toEqual([]);
    expect(claimValues('')).toEqual([]);
  });

  it('never splits on commas', () => {
    expect(claimValues('admin,agent')).toEqual(['admin,agent']);
    expect(claimValues('[admin,agent]')).toEqual(['admin,agent']);
    expect(claimValues(['a,b'])).toEqual(['a,b']);
  });

  it('gets back every valid group list through the authorizer rendering', () => {
    for (const groups of [[], ['admin'], ['admin', 'agent', 'requester'], ['night-shift-2', 'x1']]) {
      expect(claimValues(renderClaim(groups))).toEqual(groups);
    }
  });
});

describe('group names', () => {
  it('takes the built-in roles, refuses spaces, commas and brackets', () => {
    for (const role of roleNames) expect(checkedGroupName(role)).toBe(role);
    for (const bad of ['night shift', 'a,b', '[admin]', 'admin]', 'Admin', 'a', '"x"']) {
      expect([bad, groupNamePattern.test(bad)]).toEqual([bad, false]);
      expect(() => checkedGroupName(bad)).toThrow(/no spaces, commas or brackets/);
    }
  });
});

describe('token use', () => {
  it('takes access tokens only, in the token and as HTTP API renders them', () => {
    expect(isAccessToken(accessPayload)).toBe(true);
    expect(isAccessToken(renderClaims(accessPayload))).toBe(true);
    expect(isAccessToken(renderClaims(idPayload))).toBe(false);
    expect(isAccessToken({ sub: 'u-1' })).toBe(false);
  });

  it('resolves the actor of an access token, refuses an ID token of the same user with a 401', async () => {
    await expect(resolveActor(renderClaims(accessPayload))).resolves.toEqual({
      userId: 'u-1',
      role: 'agent',
      permissions: builtInRoles.agent,
    });
    await expect(resolveActor(renderClaims(idPayload))).rejects.toBeInstanceOf(NotAuthenticated);
    await expect(resolveActor(renderClaims(idPayload))).rejects.toThrow(/not the idToken/);
  });
});
