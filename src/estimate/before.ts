/**
 * A common way to serve vLLM without this library's levers, estimated next to
 * the synthesized configuration so the report can show "before" and "after"
 * lever by lever. Nothing is rendered for it.
 */
export enum BeforeSetup {
  /**
   * `vllm serve <hub id>` downloads the weights from the Hugging Face Hub at
   * every start into the container's disk, then loads them.
   */
  HUB_DOWNLOAD_AT_START = 'hub-download-at-start',
  /**
   * The same weight path with vLLM's default safetensors loader instead of the
   * Run:ai streamer (an object store becomes a download into the pod first,
   * as KServe's storage initializer does).
   */
  DEFAULT_LOADER = 'default-loader',
  /**
   * An init container syncs the bucket into a pod volume (`aws s3 sync`,
   * `gsutil rsync`), then the default loader reads it.
   */
  INIT_CONTAINER_SYNC = 'init-container-sync',
}
