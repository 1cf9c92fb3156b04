import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { DEFAULT_POLICY, type ComplaintPolicy } from '@complaints/domain';

/** Where the policy's types and defaults are written (their doc comments give the "meaning" column). */
export const POLICY_SOURCE = 'libs/complaint-domain/src/policy/policy.ts';

type Docs = Map<string, string>;

const docOf = (node: ts.Node): string =>
  ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => (typeof doc.comment === 'string' ? doc.comment : (doc.comment ?? []).map((part) => part.text).join('')))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The doc comment of every field of `ComplaintPolicy`, by dotted path ("deadlines.plan"),
 * read from the source with the TypeScript parser: nested type literals and the named
 * policy types they reference (DeadlinePolicy, EscalationPolicy) are followed.
 */
export const policyFieldDocs = (source: string): Docs => {
  const file = ts.createSourceFile(POLICY_SOURCE, source, ts.ScriptTarget.ES2022, true);
  const aliases = new Map<string, ts.TypeNode>();
  file.forEachChild((node) => {
    if (ts.isTypeAliasDeclaration(node)) aliases.set(node.name.text, node.type);
  });
  const docs: Docs = new Map();
  const walk = (type: ts.TypeNode | undefined, prefix: string): void => {
    if (!type) return;
    if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && aliases.has(type.typeName.text)) return walk(aliases.get(type.typeName.text), prefix);
    if (!ts.isTypeLiteralNode(type)) return;
    for (const member of type.members) {
      if (!ts.isPropertySignature(member) || !member.name || !ts.isIdentifier(member.name)) continue;
      const path = prefix ? `${prefix}.${member.name.text}` : member.name.text;
      docs.set(path, docOf(member));
      walk(member.type, path);
    }
  };
  walk(aliases.get('ComplaintPolicy'), '');
  return docs;
};

/** A field's own doc comment, else the nearest documented parent's (e.g. `collective` for `collective.minHouseholds`). */
const meaningOf = (docs: Docs, path: string): string => {
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const doc = docs.get(p);
    if (doc) return doc;
  }
  return '—';
};

type Rule = { amount: number; unit: string };
const isRule = (value: unknown): value is Rule => typeof value === 'object' && value !== null && 'unit' in value && 'amount' in value;
const UNITS: Record<string, (n: number) => string> = {
  minutes: (n) => `${n} min`,
  hours: (n) => `${n} h`,
  days: (n) => `${n} ${n === 1 ? 'day' : 'days'}`,
  working_days: (n) => `${n} working ${n === 1 ? 'day' : 'days'}`,
  same_day: () => 'same day',
};

const formatValue = (value: unknown): string => {
  if (isRule(value)) return (UNITS[value.unit] ?? ((n: number) => `${n} ${value.unit}`))(value.amount);
  if (Array.isArray(value)) return value.length ? value.map(formatValue).join(', ') : '(none)';
  if (typeof value === 'object' && value !== null)
    return Object.entries(value)
      .map(([key, v]) => `${key} ${formatValue(v)}`)
      .join(', ');
  if (typeof value === 'number') return value.toLocaleString('en-US').replace(/,/g, ' ');
  if (typeof value === 'string') return value;
  return String(value);
};

const cell = (text: string): string => text.replace(/\|/g, '\\|');
const code = (text: string): string => (text.includes('`') ? text : `\`${text}\``);

/** Settings shown by their size, not their contents (long word lists). */
const SUMMARISED: Record<string, (value: unknown) => string> = {
  keywords: (value) =>
    Object.entries(value as ComplaintPolicy['keywords'])
      .map(([list, words]) => `${list}: ${Array.isArray(words) ? `${words.length} words` : `${Object.keys(words).length} categories`}`)
      .join(', '),
  'intake.phonePattern': (value) => code(String(value)),
  categoryDepartments: (value) =>
    Object.entries(value as Record<string, string>)
      .map(([category, department]) => `${category} → ${department}`)
      .join(', '),
};

/**
 * The defaults table of docs/process.md: one row per setting of DEFAULT_POLICY, its default
 * and the meaning its doc comment in policy.ts gives. An object is split into rows where
 * the type declares its fields one by one; records (per urgency, per role) stay one row.
 * `permissions` has a table of its own (permissionsTable).
 */
export const policyDefaultsTable = (source: string, policy: ComplaintPolicy = DEFAULT_POLICY): string => {
  const docs = policyFieldDocs(source);
  const rows: string[] = ['| setting | default | meaning (from the doc comment in policy.ts) |', '|---|---|---|'];
  const visit = (value: unknown, path: string): void => {
    if (path === 'permissions') return;
    const declaresChildren = [...docs.keys()].some((key) => key.startsWith(`${path}.`));
    const summarise = SUMMARISED[path];
    if (!summarise && declaresChildren && typeof value === 'object' && value !== null && !Array.isArray(value) && !isRule(value)) {
      for (const [key, child] of Object.entries(value)) visit(child, `${path}.${key}`);
      return;
    }
    const shown = summarise ? summarise(value) : formatValue(value);
    rows.push(`| \`${path}\` | ${cell(shown)} | ${cell(meaningOf(docs, path))} |`);
  };
  for (const [key, value] of Object.entries(policy)) visit(value, key);
  return rows.join('\n');
};

/** Who may issue each command under the default policy (`permissions`). */
export const permissionsTable = (policy: ComplaintPolicy = DEFAULT_POLICY): string =>
  ['| command | roles allowed by default |', '|---|---|', ...Object.entries(policy.permissions).map(([command, roles]) => `| \`${command}\` | ${roles.join(', ')} |`)].join('\n');

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`; throws when the markers are missing. */
export const replaceBetweenMarkers = (document: string, name: string, content: string): string => {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`markers ${start} … ${end} not found`);
  return `${document.slice(0, from + start.length)}\n${content}\n${document.slice(to)}`;
};

/** docs/process.md with its generated tables brought up to date. */
export const renderProcessDoc = (processDoc: string, policySource: string): string =>
  replaceBetweenMarkers(replaceBetweenMarkers(processDoc, 'policy-defaults', policyDefaultsTable(policySource)), 'permissions', permissionsTable());

export const readPolicySource = (root: string): string => readFileSync(`${root}/${POLICY_SOURCE}`, 'utf8');
