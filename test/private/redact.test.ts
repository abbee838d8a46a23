import { credentialIn, isCredentialName, masked, redact, showValue } from '../../src/private/redact';

// Made-up credentials of each recognized shape.
const HF = 'hf_' + 'aB3'.repeat(12);
const OPENAI = 'sk-proj-' + 'Zx9_'.repeat(8);
const GITHUB = 'ghp_' + 'Q1w2E3r4'.repeat(5);
const AKID = 'AKIA' + 'IOSFODNN7EXAMPLE';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('redact', () => {
  test.each([
    ['Hugging Face token', `token ${HF} here`, HF],
    ['OpenAI-style key', `--api-key=${OPENAI}`, OPENAI],
    ['GitHub token', `"${GITHUB}"`, GITHUB],
    ['AWS access key id', `AWS_ACCESS_KEY_ID ${AKID},`, AKID],
    ['JWT', `Bearer ${JWT}`, JWT],
    ['URL password', 'https://user:p4ss@minio:9000/bucket', 'p4ss'],
    ['presigned S3 signature', 'https://b.s3.amazonaws.com/k?X-Amz-Credential=AKID%2F2024&X-Amz-Signature=deadbeefcafe', 'deadbeefcafe'],
    ['presigned S3 credential', 'https://b.s3.amazonaws.com/k?X-Amz-Credential=SOMEKEYID%2F2024&X-Amz-Date=1', 'SOMEKEYID'],
    ['credential-named env assignment', 'env MY_API_KEY=opaque-value-42 is set', 'opaque-value-42'],
    ['credential-named flag assignment', '--hf-token=opaque-value-42', 'opaque-value-42'],
  ])('masks a %s', (_, text, secret) => {
    const out = redact(text);
    expect(out).not.toContain(secret);
    expect(out).toMatch(/<\d+ characters>|\*\*\*@/);
  });

  test('shows the length in place of the value, keeps the text around it, and is idempotent', () => {
    expect(redact(`model ${HF} not found`)).toBe(`model <${HF.length} characters> not found`);
    expect(redact('HF_TOKEN=abc')).toBe('HF_TOKEN=<3 characters>');
    expect(redact(redact('HF_TOKEN=abc'))).toBe('HF_TOKEN=<3 characters>');
    expect(redact('s3://user:pw@bucket/x')).toBe('s3://***@bucket/x');
  });

  test('leaves ordinary text alone: digests, image refs, flags, paths, construct paths', () => {
    const plain = [
      `oci://registry.example.com/models/qwen@sha256:${'b'.repeat(64)}`,
      '--gpu-memory-utilization=0.6 --max-model-len=4096',
      'GOOGLE_CLOUD_PROJECT=my-project HF_HUB_OFFLINE=1',
      'MyChart/Llama70bInstruct/Runtime/Cache1/Resource0123456789',
      'container "vllm" sets HF_TOKEN as a literal',
    ];
    for (const text of plain) expect(redact(text)).toBe(text);
  });

  test('showValue masks a credential-named value whole, whatever its shape', () => {
    expect(showValue('--hf-token', 'x')).toBe('<1 characters>');
    expect(showValue('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI')).toBe(masked('wJalrXUtnFEMI'));
    expect(showValue('--model', '/models/qwen')).toBe('/models/qwen');
    expect(showValue('--model', `https://u:p@host/${HF}`)).toBe(`https://***@host/<${HF.length} characters>`);
    expect(isCredentialName('--api-key')).toBe(true);
    expect(isCredentialName('--max-num-batched-tokens')).toBe(false);
  });
});

describe('credentialIn', () => {
  test('finds a password in a URL after any scheme, at any `://` of the text', () => {
    for (const text of ['https://user:p4ss@minio:9000/b', 'HTTPS://u:p@h', 'a1+.-://u:p@h', 'x 1a://u:p@h', 'x://a b s3://u:p@h', 'pre ://x s3://u:p@h']) {
      expect(credentialIn(text)).toBe('a password in a URL');
    }
  });

  test('needs a scheme starting with a letter, a password and an @ in the authority', () => {
    for (const text of ['1://u:p@h', '+://u:p@h', '://u:p@h', 'https://user@host', 'https://host/a:b@c', 'https://u:@h', `oci://r.example.com/m@sha256:${'a'.repeat(64)}`]) {
      expect(credentialIn(text)).toBeUndefined();
    }
  });

  test('finds every variant of every token shape inside other text (texts holding no shape\'s literal are not searched)', () => {
    const tokens: Array<[string, string]> = [
      [HF, 'a Hugging Face token'],
      ['sk-' + 'Zx9_'.repeat(6), 'an OpenAI-style API key'], [OPENAI, 'an OpenAI-style API key'], ['sk-ant-' + 'Zx9_'.repeat(6), 'an OpenAI-style API key'],
      ...['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'].map((p): [string, string] => [p + 'Q1w2E3r4'.repeat(5), 'a GitHub token']),
      ['github_pat_' + 'Q1w2_E3r4'.repeat(5), 'a GitHub token'],
      [AKID, 'an AWS access key id'], ['ASIA' + 'IOSFODNN7EXAMPLE', 'an AWS access key id'],
      [JWT, 'a JWT'],
    ];
    for (const [token, kind] of tokens) {
      for (const text of [token, `--flag=${token}`, `Bearer ${token} and more`]) expect(credentialIn(text)).toBe(kind);
    }
    // Near misses: a literal alone, or the shape's prefix without its body.
    for (const text of ['high light', 'gh_x', 'sk-short', 'AKIA', 'eyJ.eyJ', 'github_pat_']) expect(credentialIn(text)).toBeUndefined();
  });

  test('names the first shape found, in the order of the shapes', () => {
    expect(credentialIn(`https://u:p@h/${HF}`)).toBe('a Hugging Face token');
    expect(credentialIn(`x ${AKID} ${JWT}`)).toBe('an AWS access key id');
    expect(credentialIn('https://b/k?X-Goog-Signature=abc')).toBe('a signed-URL credential (X-Amz-Signature, X-Goog-Signature, sig)');
  });
});
