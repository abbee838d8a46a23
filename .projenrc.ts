import { cdk8s, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

// The CRDs are unmodified upstream copies in imports/sources/crds (where each
// came from: its folder's SOURCE.md). Each import gets a module name (the
// `name:=file` prefix) because several CRDs share one API group and
// `cdk8s import` would otherwise write them to the same file.
const CRDS = 'imports/sources/crds';
const CRD_IMPORTS: Record<string, string> = {
  'kserve-inferenceservice': 'kserve/serving.kserve.io_inferenceservices.yaml',
  'kserve-localmodelcache': 'kserve/serving.kserve.io_localmodelcaches.yaml',
  'kserve-localmodelnamespacecache': 'kserve/serving.kserve.io_localmodelnamespacecaches.yaml',
  'kserve-localmodelnodegroup': 'kserve/serving.kserve.io_localmodelnodegroups.yaml',
  'karpenter-nodepool': 'karpenter.sh/karpenter.sh_nodepools.yaml',
  'karpenter-ec2nodeclass': 'karpenter.k8s.aws/karpenter.k8s.aws_ec2nodeclasses.yaml',
  'gke-computeclass': 'cloud.google.com/cloud.google.com_computeclasses.yaml',
  'capacitybuffer': 'autoscaling.x-k8s.io/autoscaling.x-k8s.io_capacitybuffers.yaml',
  'provisioningrequest': 'autoscaling.x-k8s.io/autoscaling.x-k8s.io_provisioningrequests.yaml',
  'keda-scaledobject': 'keda.sh/keda.sh_scaledobjects.yaml',
  'keda-http-interceptorroute': 'http.keda.sh/http.keda.sh_interceptorroutes.yaml',
};

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-coldstart',
  description: 'cdk8s constructs that serve LLMs with vLLM (optionally through KServe) on Kubernetes with scale-to-zero, with every cold-start lever (weight load, image pull, node 0->1, runtime) applied and enforced at synth.',
  author: 'cdk8s-coldstart maintainers',
  authorAddress: 'maintainers@cdk8s-coldstart.dev',
  repositoryUrl: 'https://github.com/cdk8s-coldstart/cdk8s-coldstart.git',
  keywords: ['cdk8s', 'kserve', 'vllm', 'llm', 'cold-start', 'scale-to-zero', 'kubernetes'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdk8sVersion: '2.70.0',
  constructsVersion: '10.4.2',
  jsiiVersion: '~5.9.0',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  // The checker (src/check) reads multi-document YAML with line numbers. jsii
  // packages may only depend on jsii modules, so yaml ships inside the tarball.
  // The rules read `sh -c` scripts with a real shell-words parser (shell-quote).
  bundledDeps: ['yaml@^2.8.0', 'shell-quote@^1.8.1'],
  // TypeScript 7 (the native port) has no compiler API for ts-jest/ts-node yet.
  devDeps: [
    'cdk8s-cli@^2.207.0', 'typescript@~5.9.3', '@types/node@^20', '@types/shell-quote@^1.7.5',
    'ajv@^8',
    // ts-jest 29.4 needs jest-util as a peer that npm does not hoist with jest 29.
    'jest-util@^29',
    'fast-check@^4',
    // The waterfall SVG must parse as XML (test only).
    'fast-xml-parser@^5',
    // Runs the README's Argo CD health check (Lua) against sample statuses (test only).
    'fengari@^0.1.5',
    // Evaluates the CRDs' x-kubernetes-validations (CEL) on every object the tests synthesize (test only).
    '@marcbachmann/cel-js@^8.0.0',
  ],

  // CI is `.ci/run`; no GitHub workflows, no release pipeline from this repo yet.
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  // projen's eslint rules (import order, 150-column max-len ignoring strings,
  // template literals, comments, URLs and regexps, typed rules through the
  // typescript-eslint project service). imports/ is generated: never linted.
  eslint: true,
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench'],
    ignorePatterns: ['*.js', '*.d.ts', 'node_modules/', '*.generated.ts', 'coverage', 'imports/'],
  },

  // `imports/` is a sibling of `src/`, so the compile root is the repo.
  entrypoint: 'lib/src/index.js',
  // No source maps in lib/: they would name src/*.ts and imports/*.ts, which the
  // package does not ship, so stack traces would point at files a user cannot
  // open. Without them, traces point at lib/**/*.js, which it does ship.
  tsconfig: {
    compilerOptions: { rootDir: '.', inlineSourceMap: false, inlineSources: false },
    include: ['src/**/*.ts', 'imports/**/*.ts'],
  },
  // projen writes the dev tsconfig to test/tsconfig.json: paths are relative to test/.
  // Its isolatedModules (projen's jsii default) makes ts-jest transpile file by file,
  // so the 5 MB InferenceService import is never type-checked per test run (jsii's
  // compile type-checks everything once).
  tsconfigDev: {
    compilerOptions: { rootDir: '..' },
    include: ['../src/**/*.ts', '../imports/**/*.ts', '../examples/**/*.ts', '../bench/**/*.ts'],
  },

  jestOptions: {
    // jest 30 resolves through unrs-resolver, whose platform bindings break `npm ci` here.
    jestVersion: '^29',
    // A snapshot the test run rewrites can never fail.
    updateSnapshot: UpdateSnapshot.NEVER,
    passWithNoTests: false,
    configFilePath: 'jest.config.json',
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Every typed conversion is checked against the generated one in every test.
      setupFiles: ['<rootDir>/test/setup.ts'],
      // Examples import the package by name, as a user would.
      moduleNameMapper: { '^cdk8s-coldstart$': '<rootDir>/src/index.ts' },
      // Coverage of the generated imports is meaningless and slows every run.
      coveragePathIgnorePatterns: ['/node_modules/', '/imports/'],
    },
  },
  // Without a trailing slash: a worktree's node_modules symlink is ignored too.
  gitignore: ['examples/*/dist/', 'bench-results/', '/node_modules'],
});

// From 3.9 on, eslint-import-resolver-typescript resolves through a native
// resolver (oxc-resolver, then rspack-resolver, now unrs-resolver) whose
// bindings come as optional per-platform packages the registry here does not
// serve, so `npm ci` breaks. 3.8.7 (enhanced-resolve, pure JS) is the last
// release without one; pinned exactly (not ^), after the Eslint component added
// it unversioned.
project.addDevDeps('eslint-import-resolver-typescript@3.8.7');
// The examples import the package by name, as an app would (it resolves to
// lib/ or, under the source condition, to src/: neither is a dependency the
// resolver can find). Whether lib/ exists (before or after a compile) changes
// how the resolver classifies it, so name its import/order group outright.
project.eslint?.addOverride({
  files: ['examples/**/*.ts'],
  rules: { 'import/no-unresolved': ['error', { ignore: ['^cdk8s-coldstart$'] }] },
});
const eslintSettings = project.eslint?.config.settings;
if (eslintSettings) eslintSettings['import/internal-regex'] = '^cdk8s-coldstart$';
// projen's limit and ignores, stated here so they do not move with projen:
// 150 columns of code; strings, template literals, comments, URLs and regexps
// (error messages, docs, digests) may run longer.
project.eslint?.addRules({
  '@stylistic/max-len': ['error', {
    code: 150, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreComments: true, ignoreRegExpLiterals: true,
  }],
});
// bench/ has no tsconfig.json of its own and the root one (the compile's) does
// not include it: lint it against the root config as loose files.
project.eslint?.allowDefaultProjectFiles('bench/*.ts');

project.package.addField('types', 'lib/src/index.d.ts');
// `npx cdk8s-coldstart check`: plain JS over lib/, see bin/cdk8s-coldstart.
project.addBins({ 'cdk8s-coldstart': 'bin/cdk8s-coldstart' });
// The custom condition lets the examples import the package by name from this
// repository's source (node --conditions=cdk8s-coldstart-source); consumers
// never set it and get the compiled library.
project.package.addField('exports', {
  '.': {
    'cdk8s-coldstart-source': './src/index.ts',
    'types': './lib/src/index.d.ts',
    'default': './lib/src/index.js',
  },
  './package.json': './package.json',
  './.jsii': './.jsii',
});
// imports/sources/ holds the upstream CRDs and schemas the imports and the tests
// are built from: repository data, not part of the package.
for (const p of ['/examples/', '/.ci/', '/bench/', '/bench-results/', '/scripts/', '/BENCHMARKS.md', '/imports/**/*.ts', '!/lib/imports/**/*.d.ts', '/imports/sources/']) {
  project.addPackageIgnore(p);
}

const importTask = project.addTask('import', {
  description: 'Regenerate imports/*.ts from imports/sources/crds with `cdk8s import` (offline; output is committed)',
});
for (const [name, file] of Object.entries(CRD_IMPORTS)) {
  importTask.exec(`cdk8s import --no-check-upgrade --no-save --language typescript --output imports ${name}:=${CRDS}/${file}`);
}

// Each example is a real cdk8s app: synthesize it with the real CLI.
const examples = project.addTask('examples', {
  description: 'Synthesize every example with `cdk8s synth` (writes examples/*/dist/)',
});
examples.exec('for d in examples/*/; do (cd "$d" && cdk8s synth --no-check-upgrade) || exit 1; done');

project.addTask('bench', {
  description: 'Synth benchmark (1..1000 models vs a raw-ApiObject floor, and each example); results go in BENCHMARKS.md',
  exec: 'ts-node --transpile-only bench/bench.ts',
});

project.addTask('errors', {
  description: 'Regenerate the Errors table in README.md from the error catalogue (src/private/error-catalogue.ts)',
  exec: 'ts-node --transpile-only -e "const fs = require(\'fs\'); fs.writeFileSync(\'README.md\', require(\'./src/private/errors-markdown\').withErrorsTable(fs.readFileSync(\'README.md\', \'utf8\')))"',
});

project.addTask('rules', {
  description: 'Regenerate RULES.md from src/rules',
  exec: 'ts-node --transpile-only -e "require(\'fs\').writeFileSync(\'RULES.md\', require(\'./src/rules/markdown\').rulesMarkdown())"',
});

project.synth();
