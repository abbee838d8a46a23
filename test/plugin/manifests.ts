// Manifests as an app that uses none of our constructs would write them.

const DIGEST = '@sha256:' + 'a'.repeat(64);

/** A vLLM Deployment that passes the baseline on a generic cloud, in the lab and in production (its cache is on a PVC). */
export function vllmDeployment(image = `docker.io/vllm/vllm-openai${DIGEST}`, namespace?: string): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'vllm', ...(namespace ? { namespace } : {}) },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'vllm' } },
      template: {
        metadata: { labels: { app: 'vllm' } },
        spec: {
          enableServiceLinks: false,
          automountServiceAccountToken: false,
          securityContext: { fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'vllm',
            image,
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 1000 },
            args: ['--model=Qwen/Qwen2.5-0.5B-Instruct', '--gpu-memory-utilization=0.6'],
            ports: [{ containerPort: 8000 }],
            resources: { limits: { memory: '8Gi' } },
            startupProbe: { httpGet: { path: '/health', port: 8000 }, periodSeconds: 10, failureThreshold: 60 },
            readinessProbe: { httpGet: { path: '/health', port: 8000 } },
            volumeMounts: [{ name: 'cache', mountPath: '/root/.cache' }],
          }],
          volumes: [{ name: 'cache', persistentVolumeClaim: { claimName: 'vllm-cache' } }],
        },
      },
    },
  };
}

/** The same vLLM Deployment with its image pinned by tag only: CS-IMG-001. */
export function taggedVllmDeployment(namespace?: string): any {
  return vllmDeployment('docker.io/vllm/vllm-openai:v0.10.1', namespace);
}

export const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { level: 'info' } };
