/**
 * The warmup run by the startup probe: one completion of one token against the
 * local engine. Kubernetes runs readiness probes only after the startup probe
 * has succeeded, so the pod turns Ready only once a real forward pass has
 * worked. Before the server listens the connection is refused and the probe
 * fails fast; an HTTP error or an answer without choices fails it too. Unlike
 * a postStart hook, the probe cannot be outlived by a slow warmup: it is
 * retried until the startup budget runs out, then the kubelet restarts the
 * container. Python's standard library only: the vLLM image has python3.
 */
const SCRIPT = [
  'import json, sys, urllib.request',
  'port, model, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])',
  'body = json.dumps({"model": model, "prompt": "ping", "max_tokens": 1}).encode()',
  'req = urllib.request.Request("http://127.0.0.1:%s/v1/completions" % port, data=body, headers={"Content-Type": "application/json"})',
  'answer = json.load(urllib.request.urlopen(req, timeout=timeout))',
  'sys.exit(0 if answer.get("choices") else 1)',
].join('\n');

/**
 * The probe command. The model name and port travel as arguments, never
 * spliced into the script, so no name can break its quoting.
 * @internal
 */
export function warmupProbe(port: number, servedModelName: string, timeoutSeconds: number): string[] {
  return ['python3', '-c', SCRIPT, `${port}`, servedModelName, `${timeoutSeconds}`];
}

/** GET the path on the local engine; an error status, a refused connection or a timeout raises, and the exit code is 1. */
/** @internal */
export const HEALTH_SCRIPT = [
  'import sys, urllib.request',
  'urllib.request.urlopen("http://127.0.0.1:%s%s" % (sys.argv[1], sys.argv[2]), timeout=float(sys.argv[3]))',
].join('\n');

/**
 * A probe command for an engine that listens on loopback only (behind sleep
 * mode's proxy), where the kubelet's HTTP probes cannot reach it.
 * @internal
 */
export function healthProbe(port: number, path: string, timeoutSeconds: number): string[] {
  return ['python3', '-c', HEALTH_SCRIPT, `${port}`, path, `${timeoutSeconds}`];
}
