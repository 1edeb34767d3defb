/**
 * `POST /users` (`canManageUsers`): create an account of any role. 201 with the user, `Location` and
 * `temporaryPassword` (shown once; the user replaces it at their first sign-in: `/auth/login` answers 409 with a
 * session for `/auth/password`). 422 naming an unknown role; 409 when the email has an account.
 */
import type * as z from 'zod/mini';
import { created } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { createUser } from '#shared/users/operations.ts';
import type { NewUserView } from '#shared/users/responses.ts';
import { createUserRoute } from '#shared/users/routes.ts';
import { userView } from '#shared/users/views.ts';

export const handler = route(createUserRoute, async ({ body }) => {
  const { user, temporaryPassword } = await createUser(body);
  const newUser: z.output<typeof NewUserView> = { ...userView(user), temporaryPassword };
  return created(newUser, `/users/${user.userId}`);
});
