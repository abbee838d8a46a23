/**
 * Kubernetes variable expansion in a container's `command` and `args`, as the
 * kubelet does it (third_party/forked/golang/expansion/expand.go in
 * kubernetes/kubernetes): `$(NAME)` becomes the value of the container's env
 * var NAME (Secret-backed ones included) and stays as written when there is no
 * such var; `$$` becomes `$`, so `$$(NAME)` yields a literal `$(NAME)`; a `$`
 * before anything else, or a `$(` never closed, is copied as is.
 */

/** The two sequences the kubelet rewrites: `$(` (a reference) and `$$` (the escape). @internal */
export const EXPANSION_SYNTAX = /\$[$(]/;

/**
 * `text` escaped so that the kubelet passes it through unchanged: every `$`
 * that starts one of the rewritten sequences is doubled. Text without `$(` or
 * `$$` is returned as is.
 * @internal
 */
export function escapeExpansion(text: string): string {
  // Most values hold no `$` at all: no regex for them.
  if (!text.includes('$')) return text;
  return text.replace(/\$(?=[$(])/g, '$$$$');
}

/**
 * What the kubelet makes of `text`: Expand from expand.go, step for step.
 * `lookup` returns a variable's value, or undefined to leave `$(NAME)` as written.
 * @internal
 */
export function expand(text: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '$' || i + 1 >= text.length) {
      out += text[i];
      continue;
    }
    const next = text[i + 1];
    const close = next === '(' ? text.indexOf(')', i + 2) : -1;
    if (close >= 0) {
      const name = text.slice(i + 2, close);
      out += lookup(name) ?? `$(${name})`;
      i = close;
    } else {
      // `$$` is the escape and yields one `$`; `$x` and an unclosed `$(` are copied.
      out += next === '$' ? '$' : `$${next}`;
      i += 1;
    }
  }
  return out;
}

/**
 * The names the kubelet would look up in `text`, in order: what follows each
 * unescaped `$(` up to the first `)`.
 * @internal
 */
export function expansionReferences(text: string): string[] {
  // Every reference starts with `$(`: most texts have none, and need no walk.
  if (!text.includes('$(')) return [];
  const names: string[] = [];
  expand(text, name => { names.push(name); return undefined; });
  return names;
}
