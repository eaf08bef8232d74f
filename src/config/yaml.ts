// Parse YAML text against a zod schema and report every problem with file:line:column.
// Returns {value, errors, warnings} so the user sees all problems at once (changesets style).
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type Diagnostic, location, suggestionHint } from '../diagnostics.js';
import { LIMITS, tooDeep } from './input-limits.js';

export interface Loaded<T> {
  value?: T;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

type AnySchema = z.ZodType;

/** Keys an object schema accepts at `path` (for did-you-mean on unknown keys). */
export function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  let s: AnySchema | undefined = schema;
  const unwrap = (x: AnySchema): AnySchema => {
    for (let i = 0; i < 10; i++) {
      const def = (x as unknown as { def: Record<string, unknown> & { type: string } }).def;
      if (
        def.type === 'optional' ||
        def.type === 'default' ||
        def.type === 'nullable' ||
        def.type === 'catch' ||
        def.type === 'readonly'
      )
        x = def.innerType as AnySchema;
      else if (def.type === 'pipe') x = def.in as AnySchema;
      else if (def.type === 'lazy') x = (def.getter as () => AnySchema)();
      else break;
    }
    return x;
  };
  for (const seg of path) {
    if (!s) return [];
    s = unwrap(s);
    const def = (s as unknown as { def: Record<string, unknown> & { type: string } }).def;
    if (def.type === 'object') s = (def.shape as Record<string, AnySchema>)[String(seg)];
    else if (def.type === 'array') s = def.element as AnySchema;
    else if (def.type === 'record') s = def.valueType as AnySchema;
    else return [];
  }
  if (!s) return [];
  s = unwrap(s);
  const def = (s as unknown as { def: Record<string, unknown> & { type: string } }).def;
  if (def.type === 'object') return Object.keys(def.shape as object);
  if (def.type === 'union') {
    const keys = new Set<string>();
    for (const o of def.options as AnySchema[]) for (const k of knownKeysAt(o, [])) keys.add(k);
    return [...keys];
  }
  return [];
}

function nodeAt(
  root: Node | null | undefined,
  path: readonly PropertyKey[],
  wantKey?: string,
): { node?: Node; keyNode?: Node } {
  let node: unknown = root;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return { node: node as Node };
      node = pair.value;
    } else if (
      node &&
      typeof node === 'object' &&
      'items' in node &&
      Array.isArray((node as { items: unknown[] }).items)
    ) {
      const next = (node as { items: unknown[] }).items[Number(seg)];
      if (next === undefined) return { node: node as Node };
      node = next;
    } else break;
  }
  if (wantKey !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === wantKey);
    if (pair && isScalar(pair.key)) return { node: node as Node, keyNode: pair.key as Node };
  }
  return { node: node as Node };
}

function where(file: string, lc: LineCounter, node: Node | undefined): string {
  const offset = node?.range?.[0];
  if (offset === undefined) return file;
  const p = lc.linePos(offset);
  return location(file, p.line, p.col);
}

export function formatPath(path: readonly PropertyKey[]): string {
  return (
    path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '') || '(top level)'
  );
}

/** Parse `text` (from `file`) and validate it. `hintFor` may add a domain hint for a path. */
export function parseYaml<T>(text: string, file: string, schema: z.ZodType<T>): Loaded<T> {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const lc = new LineCounter();
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\u0000')) {
    return {
      errors: [
        {
          code: 'FILE_READ',
          severity: 'error',
          message: 'file contains NUL bytes: this is not a YAML text file',
          where: file,
          hint: 'pass the YAML file itself, not a binary or compressed file',
        },
      ],
      warnings,
    };
  }
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  // prettyErrors is off, so linePos is unset: locate errors and warnings from their offsets.
  const posOf = (e: {
    linePos?: [{ line: number; col: number }, ...unknown[]];
    pos?: [number, number];
  }): { line: number; col: number } | undefined => e.linePos?.[0] ?? (e.pos ? lc.linePos(e.pos[0]) : undefined);
  let overflow: Diagnostic | undefined;
  for (const e of doc.errors) {
    const pos = posOf(e);
    // the composer recurses per level: a document nested thousands deep overflows it (limitProblems
    // below then finds where it went past the limit, which is the better place to name)
    if (/maximum call stack/i.test(e.message)) {
      overflow ??= tooDeep(pos ? location(file, pos.line, pos.col) : file);
      continue;
    }
    errors.push({
      code: 'YAML_SYNTAX',
      severity: 'error',
      message: e.message.split('\n')[0]!,
      where: pos ? location(file, pos.line, pos.col) : file,
      hint: 'fix the YAML syntax at that place (indentation, quotes, colons)',
    });
  }
  for (const w of doc.warnings) {
    const pos = posOf(w);
    warnings.push({
      code: 'YAML_SYNTAX',
      severity: 'warning',
      message: w.message.split('\n')[0]!,
      where: pos ? location(file, pos.line, pos.col) : file,
    });
  }
  const limits = limitProblems(doc, file, lc);
  errors.push(...limits);
  if (overflow && !limits.some((d) => d.code === 'INPUT_LIMIT')) errors.push(overflow);
  if (errors.length) return { errors, warnings };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return {
      errors: [
        {
          code: 'YAML_SYNTAX',
          severity: 'error',
          message: (e as Error).message,
          where: file,
          hint: 'remove the excessive aliases (&anchor/*alias); llmcost expands at most 100',
        },
      ],
      warnings,
    };
  }
  if (data === null || data === undefined) {
    return {
      errors: [
        {
          code: 'SCHEMA',
          severity: 'error',
          message: 'file is empty',
          where: file,
          hint: 'see `llmcost init` for an example',
        },
      ],
      warnings,
    };
  }
  const result = schema.safeParse(data);
  if (result.success) return { value: result.data, errors, warnings };
  for (const issue of result.error.issues) {
    const path = issue.path;
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, path);
      for (const key of (issue as { keys: string[] }).keys) {
        const { keyNode, node } = nodeAt(doc.contents as Node, path, key);
        errors.push({
          code: 'UNKNOWN_KEY',
          severity: 'error',
          message: `unknown key '${key}' in ${formatPath(path)}`,
          where: where(file, lc, keyNode ?? node),
          hint: suggestionHint(key, known, known.length ? `allowed keys: ${known.join(', ')}` : 'remove it'),
          data: { key, path: formatPath(path) },
        });
      }
      continue;
    }
    const { node } = nodeAt(doc.contents as Node, path);
    // zod v4 issues carry no input: a key is missing when its parent object lacks it.
    if (path.length > 0 && isMissing(data, path)) {
      const parent = nodeAt(doc.contents as Node, path.slice(0, -1)).node;
      errors.push({
        code: 'SCHEMA',
        severity: 'error',
        message: `missing required key '${String(path[path.length - 1])}' in ${formatPath(path.slice(0, -1))}`,
        where: where(file, lc, parent),
        hint:
          issue.code === 'invalid_type'
            ? `add '${String(path[path.length - 1])}' (${issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')})`
            : `add '${String(path[path.length - 1])}'; \`llmcost schema\` prints the full schema`,
      });
      continue;
    }
    errors.push({
      code: 'SCHEMA',
      severity: 'error',
      message: `${formatPath(path)}: ${issue.code === 'invalid_union' ? unionMessage(issue) : issue.message}`,
      where: where(file, lc, node),
      hint: 'fix the value at that place; `llmcost schema` prints the full schema',
    });
  }
  return { errors, warnings };
}

/**
 * What the document holds that llmcost will not read: values nested deeper than LIMITS.depth
 * (measured without recursion: turning the document into data and validating it recurse) and
 * `__proto__` keys (a JavaScript object cannot hold one as data: zod and plain objects drop it
 * silently, so a model, tag or column of that name would vanish instead of being refused).
 */
function limitProblems(doc: Document, file: string, lc: LineCounter): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stack: [unknown, number][] = [[doc.contents, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (isMap(node) || isSeq(node)) {
      if (depth > LIMITS.depth) return [tooDeep(where(file, lc, node as Node))];
      for (const item of node.items) stack.push([item, depth + 1]);
    } else if (isPair(node)) {
      if (isScalar(node.key) && node.key.value === '__proto__')
        out.push({
          code: 'SCHEMA',
          severity: 'error',
          message: "'__proto__' cannot be a key: it names JavaScript's object prototype",
          where: where(file, lc, node.key as Node),
          hint: 'rename the key (a tag, model or column named __proto__ cannot be told apart from the prototype)',
        });
      else if (!isScalar(node.key) && !isAlias(node.key) && node.key) stack.push([node.key, depth]);
      stack.push([node.value, depth]);
    }
  }
  return out;
}

/** True when the object at path[..-1] exists and has no own key path[-1]. */
function isMissing(data: unknown, path: readonly PropertyKey[]): boolean {
  let cur: unknown = data;
  for (const seg of path.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return false;
    cur = (cur as Record<PropertyKey, unknown>)[seg as string];
  }
  return (
    cur !== null &&
    typeof cur === 'object' &&
    !Array.isArray(cur) &&
    !Object.hasOwn(cur, path[path.length - 1] as string)
  );
}

/** "Invalid input" of a union says nothing: list what each branch expected instead. */
function unionMessage(issue: z.core.$ZodIssue): string {
  const branches = (issue as { errors?: { code: string; expected?: string; message: string }[][] }).errors ?? [];
  const expected = [
    ...new Set(
      branches.flatMap((b) =>
        b
          .filter((e) => !(e as { path?: unknown[] }).path?.length)
          .map((e) => (e.code === 'invalid_type' && e.expected ? e.expected : e.message)),
      ),
    ),
  ];
  const received = /received (\w+)/.exec(branches[0]?.[0]?.message ?? '')?.[1];
  return expected.length
    ? `expected ${expected.join(' or ')}${received ? `, received ${received}` : ''}`
    : issue.message;
}

/** Line:column of a path in a YAML text, for cross-field rules checked after the schema. */
export function locate(text: string, file: string, path: readonly PropertyKey[]): string {
  const lc = new LineCounter();
  const doc = parseDocument(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, { lineCounter: lc });
  const { node } = nodeAt(doc.contents as Node, path);
  return where(file, lc, node);
}
