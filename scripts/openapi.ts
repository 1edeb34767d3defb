/**
 * `npm run openapi`: writes the OpenAPI 3.1 document (`shared/api-document.ts`) to `openapi.json` at the
 * repository root and regenerates the typed client's types (`client/schema.d.ts`, openapi-typescript) and the
 * compressed copy `GET /openapi.json` serves (`functions/openapi/document.generated.ts`).
 * `npm run openapi -- --check` changes nothing and fails when any of them is stale (CI runs it through the unit
 * tests too).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { apiDocumentText, embeddedDocumentModule, embeddedDocumentText } from '#shared/api-document.ts';
import { repoRoot } from './local/paths.ts';
import { clientTypes } from './openapi-client.ts';

const check = process.argv.includes('--check');
const documentFile = path.join(repoRoot, 'openapi.json');
const clientTypesFile = path.join(repoRoot, 'client', 'schema.d.ts');
const embeddedFile = path.join(repoRoot, 'functions', 'openapi', 'document.generated.ts');
const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

const documentText = apiDocumentText();
const types = clientTypes(documentText);
if (check) {
  const stale = [
    ...(read(documentFile) === documentText ? [] : ['openapi.json']),
    ...(read(clientTypesFile) === types ? [] : ['client/schema.d.ts']),
    ...(embeddedDocumentText(read(embeddedFile)) === JSON.stringify(JSON.parse(documentText))
      ? []
      : ['functions/openapi/document.generated.ts']),
  ];
  if (stale.length > 0) {
    console.error(`Stale: ${stale.join(', ')}. Run npm run openapi and commit the result.`);
    process.exit(1);
  }
  console.log('openapi.json, client/schema.d.ts and functions/openapi/document.generated.ts are current.');
} else {
  writeFileSync(documentFile, documentText);
  writeFileSync(clientTypesFile, types);
  writeFileSync(embeddedFile, embeddedDocumentModule(documentText));
  console.log('Wrote openapi.json, client/schema.d.ts and functions/openapi/document.generated.ts.');
}
