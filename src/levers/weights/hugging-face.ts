import { k8s } from 'cdk8s-plus-28';
import { requireSecretRef, SecretKeyReference } from './secret-reference';
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
