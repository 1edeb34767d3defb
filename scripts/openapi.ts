/**
 * `npm run openapi [-- <file>]`: writes the OpenAPI 3.1 document generated from the route rows to `openapi.json`
 * (or the given file) at the repository root, for client generators and linters.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApiDocument } from '#shared/platform/openapi.ts';
import { routes } from '#shared/routes.ts';
import { repoRoot } from './local/paths.ts';

const target = path.resolve(repoRoot, process.argv[2] ?? 'openapi.json');
writeFileSync(target, `${JSON.stringify(openApiDocument(routes), null, 2)}\n`);
console.log(`Wrote ${path.relative(process.cwd(), target) || target} (${routes.length} routes).`);
