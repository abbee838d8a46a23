import { podsOf, storageUris } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';
import { isDigestPinned } from '../private/image';

/** Every image and `oci://` model pinned by digest. @internal */
export const CS_IMG_001: Rule = defineRule({
  id: 'CS-IMG-001',
  level: RuleLevel.ERROR,
  reads: 'pods',
  summary: 'Every container image and every oci:// storageUri is pinned by @sha256: digest',
  explanation: 'A tag can move under a running model, and a tag (above all :latest) makes the kubelet pull again: '
    + 'with a ~12 GB vLLM image every wake pays the pull. A digest never changes, so IfNotPresent is safe and a warm node never pulls.',
  fix: 'Reference the image as registry/repository@sha256:<digest> (`crane digest <image>` prints it).',
  kubeLinterCheck: 'latest-tag',
  polarisCheck: 'tagNotSpecified',
  check(obj) {
    const found: Violation[] = [];
    for (const pod of podsOf(obj)) {
      for (const c of pod.containers) {
        if (c.image === undefined) continue; // a KServe model container may take its image from the runtime
        if (!isDigestPinned(c.image)) {
          found.push({ value: c.image, message: `${c.init ? 'initContainer' : 'container'} "${c.name}" image is not pinned by digest` });
        }
      }
    }
    for (const uri of storageUris(obj)) {
      if (uri.startsWith('oci://') && !isDigestPinned(uri.slice('oci://'.length))) {
        found.push({ value: uri, message: 'modelcar storage URI is not pinned by digest' });
      }
    }
    return found;
  },
});
