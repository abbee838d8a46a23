import { k8s } from 'cdk8s-plus-28';
import { requireSecretRef, SecretKeyReference } from './secret-reference';
import { COMPLETION_MARKER } from './source-impl';
import { ErrorSite, fail } from '../../private/errors';
import { relativePathProblem } from '../../private/paths';

/**
 * A model repository on the Hugging Face Hub, downloaded once with
 * `huggingface_hub.snapshot_download` (shipped in the vLLM image).
 */
export interface HuggingFaceRepo {
  /** Repository id, e.g. `meta-llama/Llama-3.1-70B-Instruct`. */
  readonly repoId: string;

  /**
   * Branch, tag or commit. Pin a commit so every node caches the same bytes.
   * @default 'main'
   */
  readonly revision?: string;

  /**
   * Secret key holding an access token, for gated or private repositories.
   * Set as `HF_TOKEN` on the downloader only, never on the serving engine.
   * @default - anonymous download
   */
  readonly token?: SecretKeyReference;
}

const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REVISION = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/** A validated repository. @internal */
export interface ResolvedRepo {
  readonly repoId: string;
  readonly revision: string;
  readonly token?: SecretKeyReference;
  /** `<owner>/<name>/<revision>`: where the files sit under a cache root. */
  readonly directory: string;
}

/** Checked by the factory that takes the repository. @internal */
export function resolveRepo(factory: ErrorSite, repo: HuggingFaceRepo): ResolvedRepo {
  if (!REPO_ID.test(repo?.repoId ?? '')) {
    fail(factory, 'CS-IN-018', `Hugging Face repository "${repo?.repoId}" is not an owner/name id`, 'pass the id shown on the model page, e.g. "meta-llama/Llama-3.1-70B-Instruct"');
  }
  const revision = repo.revision ?? 'main';
  if (typeof revision !== 'string' || !REVISION.test(revision) || relativePathProblem(revision) !== undefined) {
    fail(factory, 'CS-IN-018', `Hugging Face revision "${revision}" is not a branch, tag or commit`, 'pass a commit hash (best: every node caches the same bytes) or a branch such as "main"');
  }
  const token = repo.token ? requireSecretRef(factory, repo.token, 'the Hugging Face token') : undefined;
  return { repoId: repo.repoId, revision, token, directory: `${repo.repoId}/${revision}` };
}

/**
 * Env of a downloader: the repository goes in by env, never spliced into the
 * script, so no id can inject shell; the token by Secret reference.
 * @internal
 */
export function downloaderEnv(repo: ResolvedRepo): k8s.EnvVar[] {
  return [
    { name: 'CS_REPO_ID', value: repo.repoId },
    { name: 'CS_REVISION', value: repo.revision },
    { name: 'HF_HUB_DISABLE_TELEMETRY', value: '1' },
    ...(repo.token ? [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: repo.token.name, key: repo.token.key } } }] : []),
  ];
}

const SNAPSHOT_TO_DIR = 'import os; from huggingface_hub import snapshot_download; '
  + 'snapshot_download(repo_id=os.environ["CS_REPO_ID"], revision=os.environ["CS_REVISION"], local_dir=os.environ["CS_TMP"])';

/**
 * Downloads the repository into `<root>/<owner>/<name>/<revision>` unless the
 * completion marker is there. Writes into a private temporary directory and
 * renames it into place, so two pods on one node never see half a model and a
 * crash never leaves a directory that looks complete.
 * @internal
 */
export function downloadToDirectoryScript(root: string): string {
  return [
    'set -eu',
    `D="${root}/$CS_REPO_ID/$CS_REVISION"`,
    `if [ -f "$D/${COMPLETION_MARKER}" ]; then echo "weights present in $D"; exit 0; fi`,
    'export CS_TMP="$D.partial-$HOSTNAME"',
    'rm -rf "$CS_TMP" && mkdir -p "$CS_TMP"',
    `python3 -c '${SNAPSHOT_TO_DIR}'`,
    `touch "$CS_TMP/${COMPLETION_MARKER}"`,
    'mv -T "$CS_TMP" "$D" 2>/dev/null || rm -rf "$CS_TMP"',
    `test -f "$D/${COMPLETION_MARKER}"`,
  ].join('\n');
}

/**
 * Blocks until `marker` exists: a model pod must not start the engine on a
 * volume its loader has not finished.
 * @internal
 */
export function awaitMarkerScript(marker: string): string {
  return [
    'set -eu',
    `until [ -f "${marker}" ]; do echo "waiting for ${marker}"; sleep 10; done`,
  ].join('\n');
}

/** Resources of an engine-image helper that only waits. @internal */
export const WAIT_RESOURCES = { cpu: '10m', memory: '32Mi' };

/** Resources of a downloader: Python plus parallel HTTP streams. @internal */
export const DOWNLOAD_RESOURCES = { cpu: '2', memory: '4Gi' };
