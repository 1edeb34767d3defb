/** What the API shows of a macro. Timestamps are ISO 8601 UTC strings. */
import type * as z from 'zod/mini';
import type { MacroItem } from '#shared/macros/macro.entity.ts';
import type { MacroView } from '#shared/macros/responses.ts';

/** A macro as its users see it: `description` and `body` null when it has none; `actions` as saved. */
export function macroView(macro: MacroItem): z.output<typeof MacroView> {
  const { status, priority, type, assignee, addTags, reply } = macro.actions;
  return {
    macroId: macro.macroId,
    ownerId: macro.ownerId,
    name: macro.name,
    description: macro.description ?? null,
    body: macro.body ?? null,
    availability: macro.availability,
    actions: {
      ...(status ? { status } : {}),
      ...(priority ? { priority } : {}),
      ...(type ? { type } : {}),
      ...(assignee ? { assignee } : {}),
      ...(addTags ? { addTags: [...addTags] } : {}),
      ...(reply ? { reply } : {}),
    },
    createdAt: macro.createdAt,
    updatedAt: macro.updatedAt,
    version: macro.version,
  };
}
