/**
 * Just enough of an nginx config to tell which `location` answers a path and
 * where it proxies to: rule CS-SLP-001 reads a proxy config it did not write.
 * Matching follows nginx's documented order (ngx_http_core_module,
 * `location`): an exact `=` match wins; otherwise the longest prefix is
 * remembered, used at once if it carries `^~`, else the regexes are tried in
 * config order and the first match wins, else the longest prefix.
 * Nested locations are read as if they were flat.
 */

/** @internal */
export interface NginxLocation {
  /** `''`, `=`, `^~`, `~` or `~*`. */
  readonly modifier: string;
  readonly path: string;
  /** The `host:port` of each `proxy_pass` in the block (an upstream's name as written). */
  readonly proxyPass: string[];
}

/** @internal */
export interface NginxConf {
  readonly locations: NginxLocation[];
  /** Ports of the `listen` directives that are not loopback-only. */
  readonly publicPorts: number[];
  /** `upstream` name -> `host:port` of its servers. */
  readonly upstreams: Map<string, string[]>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function uncomment(text: string): string {
  return text.split('\n').map(line => line.replace(/(^|\s)#.*$/, '$1')).join('\n');
}

/** The text between the `{` at `open` and its closing brace. */
function block(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

const unquote = (s: string) => s.replace(/^(["'])(.*)\1$/, '$2');

/** `http://host:port/...` -> `host:port` (port 80 or 443 when absent). */
function hostPort(url: string): string | undefined {
  const m = /^(https?):\/\/(\[[^\]]+\]|[^/:;\s]+)(?::(\d+))?/.exec(url);
  if (!m) return undefined;
  return `${m[2]}:${m[3] ?? (m[1] === 'https' ? '443' : '80')}`;
}

/** @internal */
export function parseNginxConf(conf: string): NginxConf {
  const text = uncomment(conf);
  const locations: NginxLocation[] = [];
  const head = /\blocation\s+(?:(=|\^~|~\*|~)\s*)?("[^"]*"|'[^']*'|[^\s{]+)\s*\{/g;
  for (let m = head.exec(text); m; m = head.exec(text)) {
    const body = block(text, m.index + m[0].length - 1);
    const proxyPass = [...body.matchAll(/\bproxy_pass\s+([^\s;]+)/g)].map(p => hostPort(unquote(p[1]))).filter((x): x is string => x !== undefined);
    locations.push({ modifier: m[1] ?? '', path: unquote(m[2]), proxyPass });
  }
  const upstreams = new Map<string, string[]>();
  const up = /\bupstream\s+([^\s{]+)\s*\{/g;
  for (let m = up.exec(text); m; m = up.exec(text)) {
    const body = block(text, m.index + m[0].length - 1);
    upstreams.set(m[1], [...body.matchAll(/\bserver\s+([^\s;]+)/g)].map(s => (/:\d+$/.test(s[1]) ? s[1] : `${s[1]}:80`)));
  }
  const publicPorts: number[] = [];
  for (const m of text.matchAll(/\blisten\s+([^\s;]+)/g)) {
    const addr = m[1];
    const port = /^\d+$/.test(addr) ? Number(addr) : Number(/:(\d+)$/.exec(addr)?.[1] ?? 80);
    const host = /^\d+$/.test(addr) ? '' : addr.replace(/:\d+$/, '');
    if (!LOOPBACK_HOSTS.has(host)) publicPorts.push(port);
  }
  return { locations, publicPorts, upstreams };
}

/** The location nginx picks for a normalized path, or undefined (nginx answers 404). @internal */
export function locationFor(conf: NginxConf, path: string): NginxLocation | undefined {
  const exact = conf.locations.find(l => l.modifier === '=' && l.path === path);
  if (exact) return exact;
  const prefixes = conf.locations.filter(l => (l.modifier === '' || l.modifier === '^~') && path.startsWith(l.path));
  const longest = prefixes.sort((a, b) => b.path.length - a.path.length)[0];
  if (longest?.modifier === '^~') return longest;
  for (const l of conf.locations) {
    if (l.modifier !== '~' && l.modifier !== '~*') continue;
    try {
      if (new RegExp(l.path, l.modifier === '~*' ? 'i' : '').test(path)) return l;
    } catch {
      // A PCRE construct JavaScript does not read: assume it matches, so nothing is missed.
      return l;
    }
  }
  return longest;
}

/** Whether the location proxies to `127.0.0.1:port` (or localhost), directly or through an upstream. @internal */
export function forwardsToLoopback(conf: NginxConf, location: NginxLocation, port: number): boolean {
  const loopback = (target: string) => {
    const m = /^(.*):(\d+)$/.exec(target);
    return !!m && LOOPBACK_HOSTS.has(m[1]) && Number(m[2]) === port;
  };
  return location.proxyPass.some(target => loopback(target) || (conf.upstreams.get(target.replace(/:80$/, '')) ?? []).some(loopback));
}
