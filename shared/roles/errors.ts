/** What role operations throw. The route wrapper maps each kind to a problem (`shared/platform/http/problem.ts`). */
import { Conflict, type FieldError, InvalidInput, NotFound } from '#shared/platform/errors.ts';

/** No role has this name (neither a built-in nor an item). */
export class RoleNotFound extends NotFound {
  override readonly name = 'RoleNotFound';

  constructor(role: string) {
    super(`Role "${role}"`);
  }
}

/**
 * A request names a role that does not exist: a 422 `unprocessable-content` on the field that names it (the name
 * itself is well-formed; the schema refuses a malformed one with a 400).
 */
export class UnknownRole extends InvalidInput {
  override readonly name = 'UnknownRole';

  /** @param where the request part and JSON Pointer of the field that named the role */
  constructor(role: string, where: Omit<FieldError, 'detail'>) {
    const detail = `Unknown role "${role}"; GET /roles lists the roles.`;
    super([{ ...where, detail }], detail);
  }
}

/** The built-in roles are defined in code: they cannot be created, changed or deleted through the API. */
export class BuiltInRoleImmutable extends Conflict {
  override readonly name = 'BuiltInRoleImmutable';

  constructor(role: string) {
    super(`"${role}" is a built-in role; built-in roles cannot be created, changed or deleted.`, { role });
  }
}

/** A role with this name exists already. */
export class RoleExists extends Conflict {
  override readonly name = 'RoleExists';

  constructor(role: string) {
    super(`A role named "${role}" exists already.`, { role });
  }
}

/** Users hold the role, so it cannot be deleted; give them another role first. */
export class RoleInUse extends Conflict {
  override readonly name = 'RoleInUse';

  constructor(role: string, usersCount: number) {
    super(`${usersCount} user(s) hold the role "${role}"; give them another role before deleting it.`, {
      role,
      usersCount,
    });
  }
}
