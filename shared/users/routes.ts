/**
 * Account and user routes: sign-up, log-in (and the first sign-in of an account with a temporary password),
 * refresh, log-out, the caller's own profile, user administration and the approver directory.
 */
import type { Route } from '#shared/platform/route-table.ts';
import {
  ApproversQuery,
  ConfirmSignUpBody,
  CreateUserBody,
  EmailCodeBody,
  ListUsersQuery,
  LogInBody,
  LogOutBody,
  NewPasswordBody,
  PhoneCodeBody,
  PhoneCodeSendBody,
  RefreshBody,
  ReplaceUserBody,
  ResendCodeBody,
  SignUpBody,
  UpdateUserBody,
  UserParams,
} from '#shared/users/schemas.ts';

export const signUpRoute = {
  id: 'SignUp',
  method: 'POST',
  path: '/auth/signup',
  entry: 'functions/users/signup.ts',
  permission: 'public',
  summary:
    'Create a requester account, unconfirmed until POST /auth/confirm with the mailed code (role or a broken ' +
    'password rule: 400 naming it). A taken email gets the same answer, its owner a notice (one an hour)',
  body: SignUpBody,
  success: {
    status: 201,
    description:
      'The account: userId, email, name and role requester; Location is /me. Confirm the email next (the code ' +
      'is in the mail), then log in. The same answer for an email that already has an account (nothing is ' +
      'created; the owner is mailed), so it tells nobody who has one',
    headers: ['location'],
  },
  problems: ['unprocessable-content'],
  grants: ['userPool:admin', 'table:write', 'mail:send'],
} as const satisfies Route;

export const confirmSignUpRoute = {
  id: 'ConfirmSignUp',
  method: 'POST',
  path: '/auth/confirm',
  entry: 'functions/users/confirm.ts',
  permission: 'public',
  summary:
    'Confirm the email of a new account with the 6-digit code mailed at sign-up; log in next. A wrong or expired ' +
    'code is a 422 on /code (the same for an unknown or confirmed address)',
  body: ConfirmSignUpBody,
  success: { status: 204, description: 'Confirmed: the account signs in now' },
  problems: ['unprocessable-content'],
  grants: ['userPool:admin', 'table:write'],
} as const satisfies Route;

export const resendConfirmationCodeRoute = {
  id: 'ResendConfirmationCode',
  method: 'POST',
  path: '/auth/confirm/resend',
  entry: 'functions/users/resend-code.ts',
  permission: 'public',
  summary:
    'Mail a new confirmation code to an address that signed up and is not confirmed yet (one a minute per ' +
    'address: 429 before); the same 204 for any address, so it tells nobody who has an account',
  body: ResendCodeBody,
  success: { status: 204, description: 'A new code is on its way if the address waits for one' },
  grants: ['table:write'],
} as const satisfies Route;

export const requestPhoneCodeRoute = {
  id: 'RequestPhoneCode',
  method: 'POST',
  path: '/me/phone/code',
  entry: 'functions/users/phone-code.ts',
  permission: 'signed-in',
  summary:
    'Send a 6-digit code by SMS to your phone number (valid 10 minutes; one a minute, within the SMS quota of ' +
    'the number: 429). 409 without a number or when it is verified already',
  body: PhoneCodeSendBody,
  success: {
    status: 202,
    description: 'The code is on its way: the number and until when the code is valid',
  },
  problems: ['conflict'],
  grants: ['table:read', 'table:write', 'sms:send'],
} as const satisfies Route;

export const verifyPhoneRoute = {
  id: 'VerifyPhone',
  method: 'POST',
  path: '/me/phone/verify',
  entry: 'functions/users/verify-phone.ts',
  permission: 'signed-in',
  summary:
    'Verify your phone number with the SMS code: SMS (with smsOptIn) reach it from now on. A wrong, expired or ' +
    'used-up code (5 tries) is a 422 on /code',
  body: PhoneCodeBody,
  success: { status: 200, description: 'Your profile, phoneVerified true' },
  problems: ['conflict', 'unprocessable-content'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const verifyEmailRoute = {
  id: 'VerifyEmail',
  method: 'POST',
  path: '/me/email/verify',
  entry: 'functions/users/verify-email.ts',
  permission: 'signed-in',
  summary:
    'Switch to your pendingEmail with the code mailed to it: it signs in and gets mail from now on. A wrong, ' +
    'expired or used-up code (5 tries) is a 422 on /code; 409 when none waits or the address is taken',
  body: EmailCodeBody,
  success: { status: 200, description: 'Your profile with the new email, pendingEmail null' },
  problems: ['conflict', 'unprocessable-content'],
  grants: ['table:read', 'table:write', 'userPool:email'],
} as const satisfies Route;

export const logInRoute = {
  id: 'LogIn',
  method: 'POST',
  path: '/auth/login',
  entry: 'functions/users/login.ts',
  permission: 'public',
  summary:
    'Email and password for Cognito tokens; 409 { challenge: NEW_PASSWORD_REQUIRED, session } for a temporary ' +
    'password (then POST /auth/password); 401 wrong password, unconfirmed address (the same answer) or disabled',
  body: LogInBody,
  success: {
    status: 200,
    description: 'Tokens: accessToken (send it as a Bearer token), idToken, refreshToken, expiresIn seconds',
  },
  problems: ['unauthorized', 'forbidden', 'conflict'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const setNewPasswordRoute = {
  id: 'SetNewPassword',
  method: 'POST',
  path: '/auth/password',
  entry: 'functions/users/set-password.ts',
  permission: 'public',
  summary:
    'First sign-in with a temporary password: the session from the 409 of /auth/login and a new password',
  body: NewPasswordBody,
  success: { status: 200, description: 'Tokens, as /auth/login answers them' },
  problems: ['unauthorized', 'forbidden', 'unprocessable-content'],
  grants: ['table:read'],
} as const satisfies Route;

export const refreshTokensRoute = {
  id: 'RefreshTokens',
  method: 'POST',
  path: '/auth/refresh',
  entry: 'functions/users/refresh.ts',
  permission: 'public',
  summary: 'Exchange a refresh token for new tokens (401 once logged out or disabled)',
  body: RefreshBody,
  success: { status: 200, description: 'New access and ID tokens, and the refresh token sent' },
  problems: ['unauthorized'],
  grants: ['table:read'],
} as const satisfies Route;

export const logOutRoute = {
  id: 'LogOut',
  method: 'POST',
  path: '/auth/logout',
  entry: 'functions/users/logout.ts',
  permission: 'signed-in',
  summary: 'Revoke the refresh token; every access token issued to you so far is refused from now on',
  body: LogOutBody,
  success: { status: 204, description: 'Logged out' },
  problems: ['unprocessable-content'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const getMeRoute = {
  id: 'GetMe',
  method: 'GET',
  path: '/me',
  entry: 'functions/users/me.ts',
  permission: 'signed-in',
  summary: 'The caller profile and role',
  success: {
    status: 200,
    description:
      'The caller: profile (email, name, phone, smsOptIn), role, its permission flags, ticketsCount',
  },
  grants: ['table:read'],
} as const satisfies Route;

export const createUserRoute = {
  id: 'CreateUser',
  method: 'POST',
  path: '/users',
  entry: 'functions/users/create.ts',
  permission: 'canManageUsers',
  summary:
    'Create an account of any role (an agent, an admin, a custom role); 422 naming an unknown role, 409 for a ' +
    'taken email. The temporary password is in the response, once; the user replaces it at first sign-in',
  body: CreateUserBody,
  success: {
    status: 201,
    description: 'The user with temporaryPassword (shown once); Location is the user',
    headers: ['location'],
  },
  problems: ['conflict', 'unprocessable-content'],
  grants: ['table:read', 'table:write', 'userPool:manage'],
} as const satisfies Route;

export const listUsersRoute = {
  id: 'ListUsers',
  method: 'GET',
  path: '/users',
  entry: 'functions/users/list.ts',
  permission: 'signed-in',
  summary:
    'Users with role and ticketsCount (canManageUsers or canViewAll): most tickets first, or ?role= (most ' +
    'tickets first), or ?name= (start of the name, by name); role and name together are a 400',
  query: ListUsersQuery,
  success: { status: 200, description: '{ items, nextCursor }: users with role, ticketsCount and disabled' },
  problems: ['forbidden', 'unprocessable-content'],
  grants: ['table:read'],
} as const satisfies Route;

export const getUserRoute = {
  id: 'GetUser',
  method: 'GET',
  path: '/users/{userId}',
  entry: 'functions/users/get.ts',
  permission: 'signed-in',
  summary:
    'A profile with the first tickets the user opened and of those assigned to them (the user, canManageUsers, ' +
    'canViewAll; 404 for others)',
  params: UserParams,
  success: {
    status: 200,
    description:
      'The user with createdTickets and assignedTickets: the first 10 of each, newest first, and more',
  },
  grants: ['table:read'],
} as const satisfies Route;

export const updateUserRoute = {
  id: 'UpdateUser',
  method: 'PATCH',
  path: '/users/{userId}',
  entry: 'functions/users/update.ts',
  permission: 'signed-in',
  summary:
    'Change name, email, phone, SMS consent, messageEmails, password (yourself, with currentPassword); role, ' +
    'disabled (canManageUsers, not your own). A new email waits as pendingEmail for its mailed code (one a minute)',
  params: UserParams,
  body: UpdateUserBody,
  success: {
    status: 200,
    description: 'The user after the change (a new email as pendingEmail, email unchanged until verified)',
  },
  problems: ['forbidden', 'conflict', 'unprocessable-content'],
  grants: ['table:read', 'table:write', 'userPool:manage', 'mail:send'],
} as const satisfies Route;

export const replaceUserRoute = {
  id: 'ReplaceUser',
  method: 'PUT',
  path: '/users/{userId}',
  entry: 'functions/users/replace.ts',
  permission: 'signed-in',
  summary:
    'Replace the editable profile (name, email, smsOptIn; phone left out is removed); messageEmails, role, ' +
    'disabled and password change only when sent. A new email waits for its code as with PATCH',
  params: UserParams,
  body: ReplaceUserBody,
  success: {
    status: 200,
    description: 'The user after the change (a new email as pendingEmail, email unchanged until verified)',
  },
  problems: ['forbidden', 'conflict', 'unprocessable-content'],
  grants: ['table:read', 'table:write', 'userPool:manage', 'mail:send'],
} as const satisfies Route;

export const deleteUserRoute = {
  id: 'DeleteUser',
  method: 'DELETE',
  path: '/users/{userId}',
  entry: 'functions/users/delete.ts',
  permission: 'canManageUsers',
  summary:
    'Disable a user: no more sign-in, their tokens refused from the next request; their tickets, comments and ' +
    'history stay',
  params: UserParams,
  success: { status: 204, description: 'Disabled' },
  problems: ['conflict'],
  grants: ['table:read', 'table:write', 'userPool:manage'],
} as const satisfies Route;

export const listApproversRoute = {
  id: 'ListApprovers',
  method: 'GET',
  path: '/approvers',
  entry: 'functions/users/approvers.ts',
  permission: 'signed-in',
  summary: 'People who may approve (agents, admins) whose name starts with ?name=, by name: id, name, email',
  query: ApproversQuery,
  success: { status: 200, description: '{ items: [{ userId, name, email }], nextCursor }' },
  problems: ['unprocessable-content'],
  grants: ['table:read'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const userRoutes = [
  signUpRoute,
  confirmSignUpRoute,
  resendConfirmationCodeRoute,
  logInRoute,
  setNewPasswordRoute,
  refreshTokensRoute,
  logOutRoute,
  getMeRoute,
  requestPhoneCodeRoute,
  verifyPhoneRoute,
  verifyEmailRoute,
  createUserRoute,
  listUsersRoute,
  getUserRoute,
  updateUserRoute,
  replaceUserRoute,
  deleteUserRoute,
  listApproversRoute,
] as const;
