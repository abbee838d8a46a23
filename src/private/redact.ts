/**
 * Keeping credentials out of what the library prints: error messages, rule
 * findings and the reports. A value is shown as `<N characters>`, so a reader
 * can still tell which setting is meant and roughly what was given.
 */

/** Names that carry a secret: HF_TOKEN, AWS_SECRET_ACCESS_KEY, *_PASSWORD, *_API_KEY ... (also flags: `--hf-token`). @internal */
export const CREDENTIAL_NAME = /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY(_ID)?|SECRET_ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)($|_)/i;

/** What replaces a credential. @internal */
export function masked(value: string): string {
  return `<${value.length} characters>`;
}

/** True for an env var or flag name (`HF_TOKEN`, `--api-key`) whose value is a credential. @internal */
export function isCredentialName(name: string): boolean {
  let yes = CREDENTIAL_NAMES.get(name);
  if (yes === undefined) {
    yes = CREDENTIAL_NAME.test(name.replace(/^-+/, '').replace(/-/g, '_'));
    if (CREDENTIAL_NAMES.size >= MAX_NAMES) CREDENTIAL_NAMES.clear();
    CREDENTIAL_NAMES.set(name, yes);
  }
  return yes;
}

/** The answer for each name asked about: the same env vars and flags recur in every model. */
const CREDENTIAL_NAMES = new Map<string, boolean>();
const MAX_NAMES = 1000;

const MASKED = /^<\d+ characters>$/;

/**
 * Credential shapes recognized anywhere in a text (kept apart from words by their own boundaries), with what each is,
 * and the literals one of which every match contains: a text holding none of them is not searched (most texts are not).
 */
const KINDS: ReadonlyArray<readonly [RegExp, string, readonly string[]]> = [
  [/(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{20,}/g, 'a Hugging Face token', ['hf_']],
  [/(?<![A-Za-z0-9_-])sk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{20,}/g, 'an OpenAI-style API key', ['sk-']],
  [/(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/g, 'a GitHub token', ['gh', 'github_pat_']],
  [/(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g, 'an AWS access key id', ['AKIA', 'ASIA']],
  [/(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, 'a JWT', ['eyJ']],
];
const SHAPES: readonly RegExp[] = KINDS.map(([shape]) => shape);
/**
 * Text every match of a shape contains, in one search: most texts (flags,
 * paths, names) hold none, and are then searched once instead of once per literal.
 */
const ANY_SHAPE = /hf_|sk-|gh[pousr]_|github_pat_|AKIA|ASIA|eyJ/;

/**
 * `user[:password]@` of a URL. RFC 3986 userinfo holds no `/`, `?`, `#` or
 * `@`, so this stops at the authority and leaves `image@sha256:` alone.
 */
const USER_INFO = /([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'`]+@/gi;

/** Signed-URL query parameters (S3 and GCS presigned, Azure SAS). */
const SIGNED_PARAM = /([?&](?:X-Amz-(?:Credential|Signature|Security-Token)|X-Goog-(?:Credential|Signature)|sig)=)([^&\s"'`]+)/gi;

/** `NAME=value` or `--flag=value` where the name says the value is a credential. */
const NAMED = /(?<![A-Za-z0-9_-])(--?[A-Za-z0-9][A-Za-z0-9_-]*|[A-Za-z_][A-Za-z0-9_]*)=(<\d+ characters>|"[^"]*"|[^\s"',;]+)/g;

/**
 * `user:password@` (a password, not a bare user name) in a URL: a scheme
 * `[a-z][a-z0-9+.-]*` (any case), then `://`, then what `URL_PASSWORD_AFTER_SCHEME` matches.
 */
const URL_PASSWORD_AFTER_SCHEME = /:\/\/[^\s/?#@"'`:]*:[^\s/?#@"'`]+@/y;
const SCHEME_CHAR = /[a-z0-9+.-]/i;
const LETTER = /[a-z]/i;
/** A signed-URL parameter that carries a credential or a signature. */
const SIGNED = /[?&](?:X-Amz-(?:Credential|Signature|Security-Token)|X-Goog-(?:Credential|Signature)|sig)=[^&\s"'`]/i;

/**
 * What credential a text carries, said without showing it (e.g. "a Hugging
 * Face token"), or undefined: a known token shape anywhere in it, a password
 * in a URL, or a signed-URL parameter.
 * @internal
 */
export function credentialIn(text: string): string | undefined {
  const t = `${text}`;
  if (ANY_SHAPE.test(t)) {
    for (const [shape, kind, literals] of KINDS) {
      if (!includesAny(t, literals)) continue;
      shape.lastIndex = 0;
      if (shape.test(t)) return kind;
    }
  }
  if (hasUrlPassword(t)) return 'a password in a URL';
  // A signed-URL parameter needs a `?` or `&` and a `=`: most texts (flags, paths) lack one, and are not searched.
  if (t.includes('=') && (t.includes('?') || t.includes('&')) && SIGNED.test(t)) return 'a signed-URL credential (X-Amz-Signature, X-Goog-Signature, sig)';
  return undefined;
}

function includesAny(text: string, literals: readonly string[]): boolean {
  for (const l of literals) if (text.includes(l)) return true;
  return false;
}

/**
 * True when the text holds `scheme://user:password@`. The search starts at
 * each `://`: one regex searching for the scheme from every position took
 * quadratic time on long words (a digest, a list of flags).
 */
function hasUrlPassword(text: string): boolean {
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 1)) {
    // A scheme ends here when the run of scheme characters before `://` holds a letter (where the scheme then starts).
    let scheme = false;
    for (let i = at - 1; i >= 0 && SCHEME_CHAR.test(text[i]); i--) {
      if (LETTER.test(text[i])) {
        scheme = true;
        break;
      }
    }
    if (!scheme) continue;
    URL_PASSWORD_AFTER_SCHEME.lastIndex = at;
    if (URL_PASSWORD_AFTER_SCHEME.test(text)) return true;
  }
  return false;
}

/**
 * The text with every credential it recognizes masked: known token shapes,
 * URL user info, signed-URL parameters and values of credential-named
 * variables or flags. Idempotent; text without a credential is unchanged.
 * @internal
 */
export function redact(text: string): string {
  let out = `${text}`;
  for (const shape of SHAPES) out = out.replace(shape, m => masked(m));
  out = out.replace(USER_INFO, '$1***@');
  out = out.replace(SIGNED_PARAM, (_m, key: string, value: string) => `${key}${masked(value)}`);
  out = out.replace(NAMED, (m, name: string, value: string) => (isCredentialName(name) && !MASKED.test(value) ? `${name}=${masked(value)}` : m));
  return out;
}

/**
 * A value to print beside its name (an env var, a flag): masked whole when the
 * name says it is a credential, else with any credential inside it masked.
 * @internal
 */
export function showValue(name: string, value: string): string {
  return isCredentialName(name) ? masked(value) : redact(value);
}
