/** Account routes: sign-up, log-in, token refresh and the caller's own profile. */
import type { Route } from '#shared/platform/route-table.ts';
import { LogInBody, RefreshBody, SignUpBody } from '#shared/users/schemas.ts';

export const signUpRoute = {
  id: 'SignUp',
  method: 'POST',
  path: '/auth/signup',
  entry: 'functions/users/signup.ts',
  permission: 'public',
  summary: 'Create a requester account',
  body: SignUpBody,
  success: { status: 201, description: 'The account; log in next' },
  grants: ['userPool:admin', 'table:write'],
} as const satisfies Route;

export const logInRoute = {
  id: 'LogIn',
  method: 'POST',
  path: '/auth/login',
  entry: 'functions/users/login.ts',
  permission: 'public',
  summary: 'Exchange email and password for Cognito tokens',
  body: LogInBody,
  success: { status: 200, description: 'Tokens: send accessToken as a Bearer token' },
  grants: [],
} as const satisfies Route;

export const refreshTokensRoute = {
  id: 'RefreshTokens',
  method: 'POST',
  path: '/auth/refresh',
  entry: 'functions/users/refresh.ts',
  permission: 'public',
  summary: 'Exchange a refresh token for new tokens',
  body: RefreshBody,
  success: { status: 200, description: 'New access and ID tokens' },
  grants: [],
} as const satisfies Route;

export const getMeRoute = {
  id: 'GetMe',
  method: 'GET',
  path: '/me',
  entry: 'functions/users/me.ts',
  permission: 'signed-in',
  summary: 'The caller profile and role',
  success: { status: 200, description: 'The caller profile, role and permissions' },
  grants: ['table:read'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const userRoutes = [signUpRoute, logInRoute, refreshTokensRoute, getMeRoute] as const;
