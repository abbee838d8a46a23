import { ChildProcess, spawn, spawnSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { hostCacheScript } from '../../src/levers/weights/host-cache-script';

// The hostPath downloader runs here with `sh` against a temporary root; a fake
// python3 stands in for snapshot_download (it writes one file of FAKE_KIB KiB,
// and logs the call), and hands the lock one-liner to the real interpreter.
const PYTHON = ['/usr/bin/python3', '/bin/python3'].find(existsSync)
  ?? spawnSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).stdout.trim();

const FAKE_PYTHON = `#!/bin/sh
case "$2" in
  *snapshot_download*)
    echo "$CS_REPO_ID@$CS_REVISION $HOSTNAME" >> "$FAKE_LOG"
    [ -z "\${FAKE_HOLD:-}" ] || while [ ! -f "$FAKE_HOLD" ]; do sleep 0.05; done
    [ -z "\${FAKE_FAIL:-}" ] || exit 1
    head -c $((FAKE_KIB * 1024)) /dev/zero > "$CS_TMP/model.safetensors"
    echo '{}' > "$CS_TMP/config.json" ;;
  *) exec ${PYTHON} "$@" ;;
esac
`;

const MIB = 1024;
const OWNER = 'Qwen/Qwen2.5-0.5B-Instruct';

let dir: string;
let root: string;
let bin: string;
let log: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'host-cache-'));
  root = join(dir, 'cache');
  bin = join(dir, 'bin');
  log = join(dir, 'downloads.log');
  mkdirSync(root);
  mkdirSync(bin);
  writeFileSync(join(bin, 'python3'), FAKE_PYTHON);
  chmodSync(join(bin, 'python3'), 0o755);
  writeFileSync(log, '');
});


interface Run {
  readonly revision?: string;
  readonly repo?: string;
  readonly key?: string;
  readonly limitKib?: number;
  readonly modelKib?: number;
  readonly pod?: string;
  readonly extra?: Record<string, string>;
}

function env(r: Run): NodeJS.ProcessEnv {
  return {
    PATH: `${bin}:${process.env.PATH}`,
    HOSTNAME: r.pod ?? 'pod-a',
    CS_REPO_ID: r.repo ?? OWNER,
    CS_REVISION: r.revision ?? 'rev1',
    CS_CACHE_KEY: r.key ?? 'llm.qwen',
    CS_CACHE_LIMIT_KIB: String(r.limitKib ?? 100 * MIB),
    CS_MODEL_KIB: String(r.modelKib ?? MIB),
    FAKE_KIB: String(r.modelKib ?? MIB),
    FAKE_LOG: log,
    HF_TOKEN: 'hf_secretsecretsecret',
    ...r.extra,
  };
}

function run(r: Run = {}) {
  const out = spawnSync('sh', ['-c', hostCacheScript(root)], { env: env(r), encoding: 'utf8', timeout: 60_000 });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

/** Processes a test started: released and killed after it, even when it fails midway. */
let children: ChildProcess[] = [];
afterEach(() => {
  writeFileSync(join(dir, 'release'), '');
  for (const c of children) c.kill('SIGKILL');
  children = [];
  rmSync(dir, { recursive: true, force: true });
});

function start(r: Run): { child: ChildProcess; done: Promise<number | null> } {
  const child = spawn('sh', ['-c', hostCacheScript(root)], { env: env(r), stdio: 'ignore' });
  children.push(child);
  return { child, done: new Promise(resolve => child.on('exit', resolve)) };
}

const entry = (rel: string) => join(root, rel);
const complete = (rel: string) => existsSync(join(entry(rel), '.coldstart-complete'));
const downloads = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
const uses = (key: string) => readFileSync(join(root, '.coldstart', 'uses', key), 'utf8').trim();

/** Marks an entry's last use `minutes` ago. */
function lastUsed(rel: string, minutes: number) {
  const t = Date.now() / 1000 - minutes * 60;
  utimesSync(join(entry(rel), '.coldstart-complete'), t, t);
}

/** A complete entry the library wrote earlier, `kib` KiB, last used `minutes` ago. */
function seed(rel: string, kib: number, minutes = 120, key?: string) {
  mkdirSync(entry(rel), { recursive: true });
  writeFileSync(join(entry(rel), 'model.safetensors'), Buffer.alloc(kib * 1024));
  writeFileSync(join(entry(rel), '.coldstart-complete'), '');
  lastUsed(rel, minutes);
  if (key) {
    mkdirSync(join(root, '.coldstart', 'uses'), { recursive: true });
    writeFileSync(join(root, '.coldstart', 'uses', key), `${rel}\n`);
  }
}

async function until(test: () => boolean) {
  for (let i = 0; i < 400 && !test(); i++) await new Promise(r => setTimeout(r, 25));
  expect(test()).toBe(true);
}

describe('hostPath cache script (sh against a temporary root)', () => {
  test('downloads once, renames the download into place, records the use; the next start only reuses it', () => {
    const first = run();
    expect(first.status).toBe(0);
    expect(complete(`${OWNER}/rev1`)).toBe(true);
    expect(existsSync(entry(`${OWNER}/rev1/.coldstart-partial`))).toBe(false);
    expect(readdirSync(entry(OWNER)).sort()).toEqual(['rev1', 'rev1.coldstart-lock']);
    expect(uses('llm.qwen')).toBe(`${OWNER}/rev1`);
    expect(first.stdout + first.stderr).not.toContain('hf_secret');

    lastUsed(`${OWNER}/rev1`, 90);
    const second = run({ pod: 'pod-b' });
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('weights present');
    expect(downloads()).toEqual([`${OWNER}@rev1 pod-a`]);
    // The start refreshed the entry's last use.
    expect(Date.now() - statSync(entry(`${OWNER}/rev1/.coldstart-complete`)).mtimeMs).toBeLessThan(60_000);
  });

  test('a new revision prunes the older one of the same model, and nothing that is not the library\'s', () => {
    seed(`${OWNER}/rev0`, 1, 120, 'llm.qwen');
    seed('meta-llama/Llama-3.2-1B/main', 1, 120, 'llm.llama');
    // Files of someone else in the same directory: no marker, or a marker-less look-alike of a download.
    mkdirSync(entry('mine/data'), { recursive: true });
    writeFileSync(entry('mine/data/weights.bin'), 'x');
    mkdirSync(entry(`${OWNER}/notes`), { recursive: true });
    writeFileSync(entry(`${OWNER}/notes/a.txt`), 'x');
    mkdirSync(entry(`${OWNER}/rev9.partial-someone`), { recursive: true });
    writeFileSync(entry('top.bin'), 'x');

    const r = run({ revision: 'rev1' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`pruned ${root}/${OWNER}/rev0: no model uses it any more`);
    expect(existsSync(entry(`${OWNER}/rev0`))).toBe(false);
    expect(complete(`${OWNER}/rev1`)).toBe(true);
    expect(uses('llm.qwen')).toBe(`${OWNER}/rev1`);
    // Another model's current entry stays while the cache is within its bound.
    expect(complete('meta-llama/Llama-3.2-1B/main')).toBe(true);
    for (const foreign of ['mine/data/weights.bin', `${OWNER}/notes/a.txt`, `${OWNER}/rev9.partial-someone`, 'top.bin']) {
      expect(existsSync(entry(foreign))).toBe(true);
    }
  });

  test('an entry a pod started from in the last 30 minutes is not pruned yet, and goes once it is older', () => {
    seed(`${OWNER}/rev0`, 1, 5, 'llm.qwen');
    expect(run({ revision: 'rev1' }).status).toBe(0);
    expect(complete(`${OWNER}/rev0`)).toBe(true);
    lastUsed(`${OWNER}/rev0`, 31);
    expect(run({ revision: 'rev1', pod: 'pod-b' }).status).toBe(0);
    expect(existsSync(entry(`${OWNER}/rev0`))).toBe(false);
  });

  test('over the bound: least recently used entries go first (before the download), never the current one', () => {
    seed('a/old/main', 2 * MIB, 300, 'llm.a');
    seed('b/older/main', 2 * MIB, 600, 'llm.b');
    seed('c/recent/main', 2 * MIB, 200, 'llm.c');
    // 6 MiB held + 2 MiB to come, bound 5 MiB: the two oldest must go to make room.
    const r = run({ limitKib: 5 * MIB, modelKib: 2 * MIB });
    expect(r.status).toBe(0);
    expect(r.stdout.indexOf('pruned ' + entry('b/older/main'))).toBeLessThan(r.stdout.indexOf('pruned ' + entry('a/old/main')));
    expect(r.stdout).toContain('least recently used, over the 5120 KiB bound');
    expect(existsSync(entry('b/older/main'))).toBe(false);
    expect(existsSync(entry('a/old/main'))).toBe(false);
    expect(complete('c/recent/main')).toBe(true);
    expect(complete(`${OWNER}/rev1`)).toBe(true);
    expect(r.stderr).not.toContain('warning');
  });

  test('when only the current and recently used entries are left, the bound is exceeded with a warning and the pod still starts', () => {
    seed('a/busy/main', 2 * MIB, 1, 'llm.a');
    const r = run({ limitKib: 3 * MIB, modelKib: 2 * MIB });
    expect(r.status).toBe(0);
    expect(complete('a/busy/main')).toBe(true);
    expect(complete(`${OWNER}/rev1`)).toBe(true);
    expect(r.stderr).toMatch(/warning: the cache needs \d+ KiB, over its 3072 KiB bound/);
  });

  test('two pods starting from one entry at once: one downloads, the other waits for it and reuses it', async () => {
    const release = join(dir, 'release');
    const a = start({ pod: 'pod-a', extra: { FAKE_HOLD: release } });
    await until(() => downloads().length === 1);
    const b = start({ pod: 'pod-b', extra: { FAKE_HOLD: release } });
    await new Promise(r => setTimeout(r, 500));
    expect(downloads()).toHaveLength(1);
    writeFileSync(release, '');
    expect(await a.done).toBe(0);
    expect(await b.done).toBe(0);
    expect(downloads()).toEqual([`${OWNER}@rev1 pod-a`]);
    expect(complete(`${OWNER}/rev1`)).toBe(true);
  });

  test('a prune never removes another pod\'s download in progress, nor an entry another pod holds', async () => {
    const release = join(dir, 'release');
    const a = start({ repo: 'big/model', revision: 'main', key: 'llm.big', pod: 'pod-a', extra: { FAKE_HOLD: release } });
    await until(() => existsSync(entry('big/model/main.partial-pod-a/.coldstart-partial')));
    // Another model's start, with a bound so small it must try to evict everything it may.
    seed('old/model/main', 2 * MIB, 600, 'llm.old');
    children.push(spawn('sh', ['-c', `exec 7>"$E.coldstart-lock"; ${PYTHON} -c 'import fcntl; fcntl.flock(7, fcntl.LOCK_EX)'; touch "$E.held"; exec sleep 30`],
      { env: { E: entry('old/model/main') }, stdio: 'ignore' }));
    await until(() => existsSync(entry('old/model/main.held')));
    const r = run({ limitKib: 1, pod: 'pod-b' });
    expect(r.status).toBe(0);
    expect(existsSync(entry('big/model/main.partial-pod-a/.coldstart-partial'))).toBe(true);
    expect(complete('old/model/main')).toBe(true);
    writeFileSync(release, '');
    expect(await a.done).toBe(0);
    expect(complete('big/model/main')).toBe(true);
    expect(existsSync(entry('big/model/main.partial-pod-a'))).toBe(false);
  });

  test('a download whose pod died is removed: its own entry on the next try, another entry\'s at the next prune', () => {
    for (const rel of [`${OWNER}/rev1.partial-crashed`, 'other/model/main.partial-crashed']) {
      mkdirSync(entry(rel), { recursive: true });
      writeFileSync(entry(`${rel}/.coldstart-partial`), '');
      writeFileSync(entry(`${rel}/half.safetensors`), 'x');
    }
    const r = run();
    expect(r.status).toBe(0);
    expect(existsSync(entry(`${OWNER}/rev1.partial-crashed`))).toBe(false);
    expect(existsSync(entry('other/model/main.partial-crashed'))).toBe(false);
    expect(r.stdout).toContain('removed the stale download');
  });

  test('a failed download leaves the older revision and the recorded use alone', () => {
    seed(`${OWNER}/rev0`, 1, 120, 'llm.qwen');
    const r = run({ revision: 'rev1', extra: { FAKE_FAIL: '1' } });
    expect(r.status).not.toBe(0);
    expect(complete(`${OWNER}/rev0`)).toBe(true);
    expect(uses('llm.qwen')).toBe(`${OWNER}/rev0`);
    expect(complete(`${OWNER}/rev1`)).toBe(false);
  });

  test('a directory in the way that is not the library\'s stops the pod and stays; a half-pruned entry of the library is replaced', () => {
    mkdirSync(entry(`${OWNER}/rev1`), { recursive: true });
    writeFileSync(entry(`${OWNER}/rev1/theirs.bin`), 'x');
    const blocked = run();
    expect(blocked.status).not.toBe(0);
    expect(blocked.stderr).toContain('is in the way and is not a download of this library');
    expect(existsSync(entry(`${OWNER}/rev1/theirs.bin`))).toBe(true);
    expect(readdirSync(entry(OWNER)).filter(n => n.includes('.partial-'))).toEqual([]);

    rmSync(entry(`${OWNER}/rev1`), { recursive: true });
    mkdirSync(entry(`${OWNER}/rev1`), { recursive: true });
    writeFileSync(entry(`${OWNER}/rev1/.coldstart-partial`), '');
    writeFileSync(entry(`${OWNER}/rev1/half.safetensors`), 'x');
    expect(run().status).toBe(0);
    expect(complete(`${OWNER}/rev1`)).toBe(true);
    expect(existsSync(entry(`${OWNER}/rev1/half.safetensors`))).toBe(false);
  });

  test('a cache root inside this one (another hostPath) is neither counted nor pruned', () => {
    seed('inner/o/n/rev', 2 * MIB, 600);
    mkdirSync(entry('inner/.coldstart/uses'), { recursive: true });
    const r = run({ limitKib: 2 * MIB, modelKib: MIB });
    expect(r.status).toBe(0);
    expect(complete('inner/o/n/rev')).toBe(true);
    expect(r.stderr).not.toContain('warning');
    // Without the inner root's state directory the same entry is this root's, unused, and goes.
    rmSync(entry('inner/.coldstart'), { recursive: true });
    expect(run({ limitKib: 2 * MIB, modelKib: MIB, pod: 'pod-b' }).status).toBe(0);
    expect(existsSync(entry('inner/o/n/rev'))).toBe(false);
  });

  test('a revision with slashes nests its entry; the entry that contains it is never pruned with it', () => {
    seed(`${OWNER}/refs`, 1, 120);
    const r = run({ revision: 'refs/pr/1' });
    expect(r.status).toBe(0);
    expect(complete(`${OWNER}/refs/pr/1`)).toBe(true);
    // `refs` is no model's any more, but removing it would remove the current entry.
    expect(complete(`${OWNER}/refs`)).toBe(true);
  });
});
