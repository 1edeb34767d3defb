/**
 * The new-password rules (`shared/users/schemas.ts`): 12+ characters (the user pool's `MinimumLength`), the pool's
 * character classes, what Cognito takes, and not one of the commonest passwords in any case (NIST SP 800-63B-4
 * §3.1.1.2 blocklist) — each failing with its own field error on the password. And the list stays out of the
 * bundles of routes that take no new password.
 *
 * The fixture `fixtures/common-passwords-top-10000.txt` is the first 10,000 entries (most used first) of the
 * common-password dictionary of `@zxcvbn-ts/language-common` 4.1.3 (`src/passwords.json`), MIT licence,
 * Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc., Copyright (c) 2021 @zxcvbn-ts.
 */
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { validate } from '#shared/platform/http/route.ts';
import { isCommonPassword } from '#shared/users/common-passwords.ts';
import {
  NewPasswordBody,
  passwordMinLength,
  passwordRules,
  ReplaceUserBody,
  SignUpBody,
  UpdateUserBody,
} from '#shared/users/schemas.ts';

/** The field errors of a sign-up with this password ([] when it is accepted). */
function passwordErrors(password: string): string[] {
  try {
    validate(SignUpBody, { email: 'a@example.com', password, name: 'A' }, 'body');
    return [];
  } catch (problem) {
    const errors = (problem as { extensions: { errors: { pointer: string; detail: string }[] } }).extensions
      .errors;
    expect(errors.every((error) => error.pointer === '/password')).toBe(true);
    return errors.map((error) => error.detail);
  }
}

const top10000 = readFileSync(new URL('./fixtures/common-passwords-top-10000.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '');

describe('new-password rules', () => {
  it('needs 12 characters: 11 is refused naming the length only, 12 passes', () => {
    expect(passwordMinLength).toBe(12);
    expect(passwordErrors('Abcdefgh-1x')).toEqual(['At least 12 characters']);
    expect(passwordErrors('Abcdefgh-1xy')).toEqual([]);
  });

  it('names each rule that fails, one field error per rule', () => {
    expect(passwordErrors('abcdefgh-1xy')).toEqual(['Needs an upper-case letter (A-Z)']);
    expect(passwordErrors('ABCDEFGH-1XY')).toEqual(['Needs a lower-case letter (a-z)']);
    expect(passwordErrors('Abcdefgh-xyz')).toEqual(['Needs a digit (0-9)']);
    expect(passwordErrors(' Abcdefgh-1x')).toEqual(['Remove the space at the start or the end']);
    expect(passwordErrors('Abcdéfgh-1xy')).toEqual([expect.stringMatching(/^Use only Basic Latin/)]);
    // Several at once: each its own error.
    expect(passwordErrors('abcdef')).toEqual([
      'At least 12 characters',
      'Needs an upper-case letter (A-Z)',
      'Needs a digit (0-9)',
    ]);
  });

  it('refuses the commonest passwords whatever their case, saying so', () => {
    const common = 'This is one of the commonest passwords; choose another';
    expect(passwordErrors('Qwerty123456')).toEqual([common]);
    expect(passwordErrors('1QAZ2wsx3EDC')).toEqual([common]);
    expect(passwordErrors('Qwerty123457')).toEqual([]);
    expect(isCommonPassword('QWERTY123456')).toBe(true);
  });

  // 30,000 schema runs: seconds on a busy machine, so past the default 5 s.
  it('accepts none of the 10,000 most used passwords, as typed, capitalized or upper-cased', {
    timeout: 60_000,
  }, () => {
    expect(top10000).toHaveLength(10_000);
    const accepted = top10000
      .flatMap((entry) => [entry, entry.charAt(0).toUpperCase() + entry.slice(1), entry.toUpperCase()])
      .filter((candidate) => passwordErrors(candidate).length === 0);
    expect(accepted).toEqual([]);
  });

  it('applies to every request that sets a password, and documents each rule', () => {
    const weak = 'Qwerty123456';
    const bodies = [
      [NewPasswordBody, { session: 'eyJ1IjoiYSJ9.c2ln', newPassword: weak }],
      [UpdateUserBody, { password: weak, currentPassword: 'x' }],
      [
        ReplaceUserBody,
        { name: 'A', email: 'a@example.com', smsOptIn: false, password: weak, currentPassword: 'x' },
      ],
    ] as const;
    for (const [schema, body] of bodies) expect(() => validate(schema, body, 'body')).toThrow();
    expect(passwordRules().map((rule) => rule.description)).toContain(
      'Not one of the commonest passwords, in any case (a list of the 49,233 most used passwords, zxcvbn-ts)',
    );
  });
});

/** Whether the bundle of `entry` (esbuild, as CDK bundles it) contains the common-password list. */
async function carriesList(entry: string): Promise<boolean> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles.some((file) => file.text.includes('mailcreated5240'));
}

describe('the common-password list in bundles', () => {
  it.each([
    ['functions/users/signup.ts', true],
    ['functions/users/set-password.ts', true],
    ['functions/users/update.ts', true],
    ['functions/users/replace.ts', true],
    ['functions/users/login.ts', false],
    ['functions/users/refresh.ts', false],
    ['functions/users/me.ts', false],
    ['functions/users/create.ts', false],
    ['functions/tickets/create.ts', false],
  ])(
    '%s carries it: %s',
    async (entry, expected) => {
      expect(await carriesList(entry)).toBe(expected);
    },
    60_000,
  );
});
