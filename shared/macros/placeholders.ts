/**
 * Placeholders in a macro's reply: `{{requester.name}}`, `{{ticket.number}}`, `{{agent.name}}` (spaces inside the
 * braces allowed). Rendering is one pass of plain string replacement over the macro's text: the values (a name a
 * user chose) are inserted as they are and never read again, so no user text is ever evaluated as a template. An
 * unknown placeholder is refused when the macro is saved. Pure: unit-tested in `test/unit/macros.test.ts`.
 */

/** The placeholders a reply may use. */
export const macroPlaceholders = ['requester.name', 'ticket.number', 'agent.name'] as const;
export type MacroPlaceholder = (typeof macroPlaceholders)[number];

/** `{{ name }}`: anything between double braces that holds no brace. */
const placeholderPattern = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders of a text that are not {@link macroPlaceholders}, in order, each once. */
export function unknownPlaceholders(text: string): string[] {
  const known: ReadonlySet<string> = new Set(macroPlaceholders);
  const unknown = [...text.matchAll(placeholderPattern)]
    .map((match) => match[1] ?? '')
    .filter((name) => !known.has(name));
  return [...new Set(unknown)];
}

/**
 * The text with each placeholder replaced by its value, in one pass (a value that looks like a placeholder stays
 * as it is). Call it only on a text {@link unknownPlaceholders} accepted.
 */
export function renderPlaceholders(text: string, values: Readonly<Record<MacroPlaceholder, string>>): string {
  return text.replace(placeholderPattern, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name as MacroPlaceholder] : whole,
  );
}
