import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { isCollection, isMap, isSeq, LineCounter, Node, Pair, parseAllDocuments, visit } from 'yaml';

/**
 * One Kubernetes object read from the input, with where it was written so every
 * finding points at a file and line.
 * @internal
 */
export interface Manifest {
  /** The file as given (or found under a given directory); `stdin` for `-`. */
  readonly file: string;
  /** 1-based line of the object's first key. */
  readonly line: number;
  readonly object: any;
}

/** A document that is valid YAML but no Kubernetes object (a values file, package.json under a directory). @internal */
export interface Skipped {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/** Input that cannot be read or parsed, or breaks the checker's own contract: exit code 2. @internal */
export class InputError extends Error {}

/** The label of standard input in every output. @internal */
export const STDIN = 'stdin';

const EXTENSIONS = /\.(ya?ml|json)$/i;

/**
 * The files of the given paths: files as given, directories walked (sorted, so
 * the output is stable) for *.yaml, *.yml and *.json, skipping dot directories
 * and node_modules.
 * @internal
 */
export function inputFiles(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (path === '-') {
      files.push('-');
      continue;
    }
    let stat;
    try {
      stat = statSync(path);
    } catch (e) {
      throw new InputError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (stat.isDirectory()) {
      const found = walk(path);
      if (!found.length) throw new InputError(`${path}: no *.yaml, *.yml or *.json file under it`);
      files.push(...found);
    } else {
      files.push(path);
    }
  }
  return files;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && entry.name !== 'node_modules') out.push(...walk(path));
    } else if (EXTENSIONS.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

/**
 * Reads every object of the given files (`-` is standard input, read once).
 * @internal
 */
export function readManifests(paths: string[], readStdin: () => string): { manifests: Manifest[]; skipped: Skipped[] } {
  const manifests: Manifest[] = [];
  const skipped: Skipped[] = [];
  let stdinRead = false;
  for (const file of inputFiles(paths)) {
    let text: string;
    if (file === '-') {
      if (stdinRead) throw new InputError('standard input (-) is given twice');
      stdinRead = true;
      text = readStdin();
    } else {
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
    const parsed = parseManifests(text, file === '-' ? STDIN : file);
    manifests.push(...parsed.manifests);
    skipped.push(...parsed.skipped);
  }
  return { manifests, skipped };
}

/**
 * The objects of a multi-document YAML (or JSON) text: empty documents are
 * dropped, `kind: List` and `*List` objects are unwrapped into their items.
 * @internal
 */
export function parseManifests(text: string, file: string): { manifests: Manifest[]; skipped: Skipped[] } {
  const lineCounter = new LineCounter();
  const manifests: Manifest[] = [];
  const skipped: Skipped[] = [];
  const lineOf = (node: Node | null | undefined, fallback: number) => node?.range ? lineCounter.linePos(node.range[0]).line : fallback;
  const add = (value: any, node: Node | null | undefined, line: number) => {
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) {
      skipped.push({ file, line, reason: 'not a mapping' });
    } else if (typeof value.kind === 'string' && /List$/.test(value.kind) && Array.isArray(value.items)) {
      const items = isMap(node) ? node.get('items', true) : undefined;
      value.items.forEach((item: any, i: number) => {
        const itemNode = isSeq(items) ? items.items[i] as Node : undefined;
        add(item, itemNode, lineOf(itemNode, line));
      });
    } else if (typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
      skipped.push({ file, line, reason: 'no apiVersion and kind: not a Kubernetes object' });
    } else {
      manifests.push({ file, line, object: value });
    }
  };
  const helmHint = ' (a Helm template? render it first: helm template ... | cdk8s-coldstart check -)';
  for (const doc of parseAllDocuments(text, { lineCounter })) {
    const line = lineCounter.linePos(doc.range[0]).line;
    if (doc.errors.length) {
      const e = doc.errors[0];
      const at = e.linePos?.[0]?.line ?? line;
      throw new InputError(`${file}:${at}: not valid YAML: ${e.message.split('\n')[0]}${/\{\{/.test(text) ? helmHint : ''}`);
    }
    // `name: {{ .Release.Name }}` is valid YAML (a flow mapping as a key), but no manifest has one.
    let collectionKey: Pair | undefined;
    visit(doc, { Pair: (_, pair) => { if (isCollection(pair.key)) return collectionKey = pair, visit.BREAK; return undefined; } });
    if (collectionKey) {
      throw new InputError(`${file}:${lineOf(collectionKey.key as Node, line)}: a mapping key is itself a mapping or a list${helmHint}`);
    }
    add(doc.toJS({ maxAliasCount: 1000 }), doc.contents as Node | null, lineOf(doc.contents as Node | null, line));
  }
  return { manifests, skipped };
}
