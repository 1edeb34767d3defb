/**
 * `npm run setup:local`: makes DynamoDB Local available under `.local/dynamodb-local/`.
 *
 * The official DynamoDB Local jar is taken from the npm registry, where `amplify-dynamodb-simulator` ships it in
 * `package/emulator/` (see TOOLCHAIN.md). The package is only packed (`npm pack`), never installed: installing it
 * would pull ~350 MB of dependencies. Idempotent: a marker file written last makes a second run a fast no-op, and
 * an interrupted run leaves nothing that looks installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { dynamoDbLocalDir, localDir } from './paths.ts';

/** The npm package that carries the DynamoDB Local jar, pinned. */
export const dynamoDbLocalPackage = 'amplify-dynamodb-simulator@2.9.30';

const markerFile = path.join(dynamoDbLocalDir, '.installed-from');

/** The command that installs Java on Debian (what CI runs as root; prefix `sudo` otherwise). */
export const javaInstallCommand = 'apt-get install -y openjdk-17-jre-headless';

/** Thrown when `java` cannot be run; the message says how to fix it. */
export class JavaMissingError extends Error {
  override name = 'JavaMissingError';
  constructor(reason: string) {
    super(
      [
        `DynamoDB Local needs a Java runtime, and \`java -version\` failed (${reason}).`,
        'Install Java 17, then run the command again. On Debian/Ubuntu (as root, else prefix sudo):',
        '',
        `  ${javaInstallCommand}`,
        '',
        'On macOS: brew install openjdk@17',
      ].join('\n'),
    );
  }
}

/** Thrown when DynamoDB Local is not installed; the message says how to fix it. */
export class DynamoDbLocalMissingError extends Error {
  override name = 'DynamoDbLocalMissingError';
  constructor() {
    super(`DynamoDB Local is not installed in ${dynamoDbLocalDir}. Run: npm run setup:local`);
  }
}

/**
 * Checks that `java` runs.
 * @returns the first line of `java -version` (e.g. `openjdk version "17.0.15" 2025-04-15`)
 * @throws JavaMissingError with the install command
 */
export function checkJava(): string {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new JavaMissingError(code === 'ENOENT' ? 'java is not on PATH' : result.error.message);
  }
  if (result.status !== 0) throw new JavaMissingError(`exit code ${result.status}`);
  return `${result.stderr}${result.stdout}`.split('\n')[0]?.trim() ?? 'java';
}

/** Whether a complete DynamoDB Local install is present (the marker is written last). */
export function isDynamoDbLocalInstalled(): boolean {
  return (
    existsSync(markerFile) &&
    readFileSync(markerFile, 'utf8').trim() === dynamoDbLocalPackage &&
    existsSync(path.join(dynamoDbLocalDir, 'DynamoDBLocal.jar')) &&
    existsSync(path.join(dynamoDbLocalDir, 'DynamoDBLocal_lib'))
  );
}

/** @throws DynamoDbLocalMissingError when `npm run setup:local` has not run */
export function assertDynamoDbLocalInstalled(): void {
  if (!isDynamoDbLocalInstalled()) throw new DynamoDbLocalMissingError();
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}:\n${result.stderr}`);
  }
  return result.stdout;
}

/**
 * Installs DynamoDB Local unless present: `npm pack` into a temporary directory under `.local/`, extract the
 * jar, its native libraries and licences with `tar`, move them into place, delete the tarball.
 * @param log progress output (default: console.log)
 * @returns whether anything was installed
 * @throws JavaMissingError when java is missing (checked first: without it the download is useless)
 */
export function installDynamoDbLocal(log: (line: string) => void = console.log): boolean {
  const java = checkJava();
  if (isDynamoDbLocalInstalled()) {
    log(`DynamoDB Local already installed in ${path.relative(process.cwd(), dynamoDbLocalDir)} (${java})`);
    return false;
  }
  mkdirSync(localDir, { recursive: true });
  const workDir = mkdtempSync(path.join(localDir, '.dynamodb-local-install-'));
  try {
    log(`Fetching ${dynamoDbLocalPackage} (~57 MB) with npm pack ...`);
    const packed = JSON.parse(run('npm', ['pack', dynamoDbLocalPackage, '--json', '--silent'], workDir)) as {
      filename: string;
    }[];
    const tarball = path.join(workDir, packed[0]?.filename ?? '');
    if (!packed[0] || !existsSync(tarball)) throw new Error(`npm pack produced no tarball in ${workDir}`);
    log('Extracting DynamoDBLocal.jar and DynamoDBLocal_lib with tar ...');
    const members = ['DynamoDBLocal.jar', 'DynamoDBLocal_lib', 'LICENSE.txt', 'THIRD-PARTY-LICENSES.txt'];
    run('tar', ['-xzf', tarball, ...members.map((member) => `package/emulator/${member}`)], workDir);
    rmSync(tarball);
    const extracted = path.join(workDir, 'package', 'emulator');
    writeFileSync(path.join(extracted, '.installed-from'), `${dynamoDbLocalPackage}\n`);
    rmSync(dynamoDbLocalDir, { recursive: true, force: true });
    renameSync(extracted, dynamoDbLocalDir);
    log(`DynamoDB Local installed in ${path.relative(process.cwd(), dynamoDbLocalDir)} (${java})`);
    return true;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    installDynamoDbLocal();
  } catch (error) {
    console.error(error instanceof JavaMissingError ? error.message : error);
    process.exit(1);
  }
}
