import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { checkManifests, CheckOptions, CheckReport } from './check';
import { MODEL_SIZE_ANNOTATION, reportFiles } from './estimate';
import { counts, formatJson, formatSarif, formatTable, summaryLine } from './format';
import { InputError, readManifests } from './input';
import { COLDSTART_REPORT_FILE } from '../estimate/cold-start-report';
import { CloudProvider, Environment } from '../profile';

/** What the command reads and writes, so tests run it in process. @internal */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Standard input, read when `-` is among the paths. */
  readonly stdin: () => string;
}

/** The exit codes. @internal */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2 } as const;

/** @internal */
export const USAGE = `Usage: cdk8s-coldstart check [options] <file | directory | -> ...

Checks Kubernetes manifests (plain YAML, \`helm template\` or \`kustomize build\`
output, JSON, kind: List) against the ColdStartBaseline rules (RULES.md).
Directories are read recursively for *.yaml, *.yml and *.json; - reads stdin.

Options:
  --profile lab|production   environment the pack checks for (default: lab)
  --cloud generic|gke|eks    cloud the manifests target (default: generic)
  --region <region>          cluster region, for registry-region checks
  --format table|json|sarif  output format (default: table)
  --output <file>            write the report to <file>; the table still goes to stdout
  --report <dir>             write the cold-start estimate as synth does: coldstart-report.md
                             and one waterfall SVG per vLLM workload
  -h, --help                 this help
  --version                  the package version

Suppress a rule on one object with an annotation, one "RULE-ID: reason" entry
per line or separated by ';' (each reason at least 10 characters):
  metadata:
    annotations:
      coldstart.cdk8s.io/suppress: "CS-RT-001: the GPU is dedicated to this model"

Each vLLM workload gets a cold-start estimate read from its manifest (weight
path, image, probes, caches). The model size comes from an annotation, bytes or
parameters/precision, else from a count in the model's name (Llama-3.1-8B-AWQ):
  metadata:
    annotations:
      ${MODEL_SIZE_ANNOTATION}: 70B/bf16    # or 140Gi

Exit codes: 0 no unsuppressed error, 1 unsuppressed errors, 2 the check could
not run (usage error, unreadable or invalid YAML, invalid suppression
annotation, no Kubernetes object, unwritable output).

Example:
  helm template my-release ./chart -f values.yaml | npx cdk8s-coldstart check -
`;

class UsageError extends Error {}

interface Args {
  readonly paths: string[];
  readonly format: 'table' | 'json' | 'sarif';
  readonly output?: string;
  readonly report?: string;
  readonly options: CheckOptions;
  readonly help: boolean;
  readonly version: boolean;
}

function choice<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${option} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

function parseArgs(argv: string[]): Args {
  const values: Record<string, string> = {};
  const paths: string[] = [];
  let help = false;
  let version = false;
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help') return { paths, format: 'table', options: defaults(), help: true, version };
  if (command === '--version') return { paths, format: 'table', options: defaults(), help, version: true };
  if (command !== 'check') throw new UsageError(command === undefined ? 'no command' : `unknown command "${command}"`);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '-h' || arg === '--help') {
      help = true;
    } else if (arg === '--version') {
      version = true;
    } else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (!['profile', 'cloud', 'region', 'format', 'output', 'report'].includes(name)) throw new UsageError(`unknown option --${name}`);
      const value = eq < 0 ? rest[++i] : arg.slice(eq + 1);
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      values[name] = value;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      paths.push(arg);
    }
  }
  const options: CheckOptions = {
    environment: choice('--profile', values.profile ?? Environment.LAB, [Environment.LAB, Environment.PRODUCTION]),
    cloud: choice('--cloud', values.cloud ?? CloudProvider.GENERIC, [CloudProvider.GENERIC, CloudProvider.GKE, CloudProvider.EKS]),
    region: values.region,
  };
  const format = choice('--format', values.format ?? 'table', ['table', 'json', 'sarif'] as const);
  if (!help && !version && !paths.length) throw new UsageError('no file, directory or - (stdin) to check');
  return { paths, format, output: values.output, report: values.report, options, help, version };
}

function defaults(): CheckOptions {
  return { environment: Environment.LAB, cloud: CloudProvider.GENERIC };
}

/** The package's version, from its package.json (two levels up in src/, three in lib/src/). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (pkg.name === 'cdk8s-coldstart') return pkg.version;
  }
  return '0.0.0';
}

const PROCESS_IO: CliIo = {
  stdout: t => process.stdout.write(t),
  stderr: t => process.stderr.write(t),
  stdin: () => readFileSync(0, 'utf8'),
};

function writeReport(dir: string, estimates: CheckReport['estimates'], io: CliIo): void {
  const files = reportFiles(estimates);
  const pictures = Object.keys(files).filter(f => f.endsWith('.svg')).length;
  if (!pictures) {
    io.stderr(`cdk8s-coldstart: --report: no workload with a cold-start estimate; nothing written to ${dir}\n`);
    return;
  }
  try {
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  } catch (e) {
    throw new InputError(`cannot write the report to ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  io.stderr(`cdk8s-coldstart: wrote ${join(dir, COLDSTART_REPORT_FILE)} and ${pictures} waterfall SVG${pictures === 1 ? '' : 's'}\n`);
}

/**
 * `cdk8s-coldstart <argv>`: returns the exit code rather than exiting, so the
 * bin script can let pending output drain.
 * @internal
 */
export function main(argv: string[], io: CliIo = PROCESS_IO): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`cdk8s-coldstart: ${e.message}\n\n${USAGE}`);
    return EXIT.USAGE;
  }
  if (args.help) {
    io.stdout(USAGE);
    return EXIT.OK;
  }
  const version = packageVersion();
  if (args.version) {
    io.stdout(`${version}\n`);
    return EXIT.OK;
  }
  try {
    const { manifests, skipped } = readManifests(args.paths, io.stdin);
    for (const s of skipped) io.stderr(`cdk8s-coldstart: skipped ${s.file}:${s.line}: ${s.reason}\n`);
    if (!manifests.length) throw new InputError('no Kubernetes object in the input');
    const report = checkManifests(manifests, args.options);
    // Before the report is printed, so that a directory that cannot be written fails the run as a whole.
    if (args.report) writeReport(args.report, report.estimates, io);
    const rendered = args.format === 'json' ? formatJson(report, version) : args.format === 'sarif' ? formatSarif(report, version) : formatTable(report);
    if (args.output) {
      try {
        writeFileSync(args.output, rendered);
      } catch (e) {
        throw new InputError(`cannot write ${args.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      io.stdout(args.format === 'table' ? `${summaryLine(report)}\n` : formatTable(report));
    } else {
      io.stdout(rendered);
    }
    return counts(report).errors ? EXIT.FINDINGS : EXIT.OK;
  } catch (e) {
    // Exit code 1 means findings: a failure of the checker itself must not look like one.
    io.stderr(e instanceof InputError ? `cdk8s-coldstart: ${e.message}\n` : `cdk8s-coldstart: internal error: ${(e as Error).stack ?? e}\n`);
    return EXIT.USAGE;
  }
}
