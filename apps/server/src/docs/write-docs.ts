import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildOpenApiDocument } from './openapi-document';
import { renderOpenApiMarkdown } from './openapi-markdown';
import { readPolicySource, renderProcessDoc } from './policy-table';

/** The generated files under docs/ and what writes them. */
export const GENERATED = {
  openapi: 'docs/api/openapi.json',
  reference: 'docs/api/reference.md',
  process: 'docs/process.md',
} as const;

/** What each generated file should contain now, from the code (no database, no server). */
export const generateDocs = async (root: string, which: 'api' | 'process' | 'all'): Promise<Map<string, string>> => {
  const files = new Map<string, string>();
  if (which !== 'process') {
    const document = await buildOpenApiDocument();
    files.set(GENERATED.openapi, `${JSON.stringify(document, null, 2)}\n`);
    files.set(GENERATED.reference, renderOpenApiMarkdown(document));
  }
  if (which !== 'api') files.set(GENERATED.process, renderProcessDoc(readFileSync(join(root, GENERATED.process), 'utf8'), readPolicySource(root)));
  return files;
};

/**
 * `npm run docs:api` (docs/api/openapi.json and reference.md), `npm run docs:process` (the
 * policy tables of docs/process.md), `npm run docs` (both). `--check` writes nothing and
 * exits 1 when a committed file differs from what the code generates.
 */
const main = async () => {
  const root = process.cwd();
  const args = process.argv.slice(2);
  const which = (args.find((a) => a === 'api' || a === 'process') ?? 'all') as 'api' | 'process' | 'all';
  const check = args.includes('--check');
  let stale = 0;
  for (const [path, content] of await generateDocs(root, which)) {
    const file = join(root, path);
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (current === content) {
      console.log(`docs: ${path} up to date`);
    } else if (check) {
      stale += 1;
      console.error(`docs: ${path} is out of date — run npm run docs`);
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      console.log(`docs: wrote ${path}`);
    }
  }
  process.exit(stale ? 1 : 0);
};

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
