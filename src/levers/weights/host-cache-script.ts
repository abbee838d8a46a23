import { COMPLETION_MARKER } from './source-impl';

/**
 * Marks a directory the library is still writing (or removing): with the
 * completion marker, the only files that make a directory the library's, so
 * pruning never touches anything else on the node.
 * @internal
 */
export const PARTIAL_MARKER = '.coldstart-partial';

/** The library's own state under the cache root: the lock and what each model uses. @internal */
export const STATE_DIRECTORY = '.coldstart';

/** Beside each entry: held by the pod that downloads it or starts from it. @internal */
export const ENTRY_LOCK_SUFFIX = '.coldstart-lock';

/**
 * An entry whose marker was touched this recently is never pruned: a pod that
 * started from it may still be reading the weights (a 700 GB model at 2 GB/s
 * takes about 6 minutes), and two revisions of one model can start on a node
 * during a rollout.
 * @internal
 */
export const IN_USE_MINUTES = 30;

// flock(2) through the Python the downloader needs anyway: the lock belongs to the
// shell's open file (fd), so it holds after python3 exits and ends when the pod does.
// `try` never waits. (util-linux `flock` is not in every engine image.)
const LOCK = 'lock() { python3 -c \'import fcntl, sys; fcntl.flock(int(sys.argv[1]), fcntl.LOCK_EX | (fcntl.LOCK_NB if sys.argv[2] == "try" else 0))\' "$1" "$2"; }';

const SNAPSHOT_TO_DIR = 'import os; from huggingface_hub import snapshot_download; '
  + 'snapshot_download(repo_id=os.environ["CS_REPO_ID"], revision=os.environ["CS_REVISION"], local_dir=os.environ["CS_TMP"])';

/**
 * The downloader of the hostPath caches (init container and prefetch
 * DaemonSet), run by `sh` in the engine image (Ubuntu: coreutils, findutils,
 * grep, Python). Layout under `root`:
 *
 * - `<owner>/<name>/<revision>/`: one entry, complete when it holds the
 *   completion marker, whose mtime is its last use;
 * - `<entry>.partial-<pod>/`: a download in progress, holding the partial marker;
 * - `<entry>.coldstart-lock`: held while a pod downloads or starts from the entry;
 * - `.coldstart/lock`: held while pruning; `.coldstart/uses/<model>`: the entry
 *   each model (namespace.name) last started from.
 *
 * Steps: take the entry's lock (a second pod for the same entry waits, then
 * finds it complete); if it is missing, make room for the model's size, then
 * download into a private directory and rename it into place; record the
 * entry as this model's; prune. Pruning removes only the library's entries
 * and stale partial downloads, never the current entry, one a pod holds the
 * lock of, one that holds another entry (a revision with slashes nests), one
 * under another cache root (a hostPath inside this one), or one used in the
 * last IN_USE_MINUTES: first the entries no model
 * records any more (older revisions, replaced models), then, least recently
 * used first, others until the entries fit `CS_CACHE_LIMIT_KIB`. Env:
 * `CS_REPO_ID`, `CS_REVISION`, `CS_CACHE_KEY`, `CS_CACHE_LIMIT_KIB`,
 * `CS_MODEL_KIB` (plus `HF_TOKEN`, which the script never prints).
 * @internal
 */
export function hostCacheScript(root: string): string {
  const C = COMPLETION_MARKER;
  const P = PARTIAL_MARKER;
  const L = ENTRY_LOCK_SUFFIX;
  return `set -eu
R="${root}"
D="$R/$CS_REPO_ID/$CS_REVISION"
S="$R/${STATE_DIRECTORY}"
mkdir -p "$S/uses" "\${D%/*}"
${LOCK}
entries() {
  find "$R" \\( -path "$S" -o -name '*.partial-*' \\) -prune -o -type f -path "$R/*/*/*/${C}" -printf '%T@ %h\\n' | sort -n
}
nested() {
  a="\${1%/*}"
  while [ -n "$a" ] && [ "$a" != "$R" ]; do
    if [ -d "$a/${STATE_DIRECTORY}" ]; then return 0; fi
    a="\${a%/*}"
  done
  return 1
}
evict() {
  ( exec 7>"$1${L}" && lock 7 try 2>/dev/null || exit 1
    [ -f "$1/${C}" ] || exit 1
    [ -z "$(find "$1" -mindepth 2 \\( -name ${C} -o -name ${P} -o -name '*${L}' \\) -print -quit)" ] || exit 1
    : > "$1/${P}"
    rm -f "$1/${C}"
    t="$1.partial-evict-$HOSTNAME-$$"
    mv -T "$1" "$t" || exit 1
    rm -rf "$t"
    echo "pruned $1: $2" )
}
prune() {
  find "$R" -path "$S" -prune -o -type f -path "$R/*/*/*/${P}" -print | while read -r m; do
    p="\${m%/*}"
    case "\${p##*/}" in *.partial-*) ;; *) continue ;; esac
    if nested "$p"; then continue; fi
    ( exec 7>"\${p%.partial-*}${L}" && lock 7 try 2>/dev/null && [ -f "$m" ] && rm -rf "$p" && echo "removed the stale download $p" ) || true
  done
  kept=$(cat "$S"/uses/* 2>/dev/null || true)
  now=$(date +%s)
  total=$1
  sized=""
  list=$(entries)
  while read -r t e; do
    [ -n "$e" ] || continue
    if nested "$e"; then continue; fi
    s=$(du -sk "$e" 2>/dev/null | cut -f1)
    s=\${s:-0}
    total=$((total + s))
    sized="$sized$t $s $e
"
  done <<EOF
$list
EOF
  while read -r t s e; do
    [ -n "$e" ] && [ "$e" != "$D" ] || continue
    [ $((now - \${t%.*})) -ge ${IN_USE_MINUTES * 60} ] || continue
    if printf '%s\\n' "$kept" | grep -qxF "\${e#"$R"/}"; then
      [ "$total" -gt "$CS_CACHE_LIMIT_KIB" ] || continue
      why="least recently used, over the $CS_CACHE_LIMIT_KIB KiB bound"
    else
      why="no model uses it any more"
    fi
    if evict "$e" "$why"; then total=$((total - s)); fi
  done <<EOF
$sized
EOF
  if [ "$total" -gt "$CS_CACHE_LIMIT_KIB" ]; then
    echo "warning: the cache needs $total KiB, over its $CS_CACHE_LIMIT_KIB KiB bound; what is left is current, in use or locked" >&2
  fi
}
exec 8>"$D${L}"
lock 8 wait
if [ -f "$D/${C}" ]; then
  echo "weights present in $D"
else
  exec 9>"$S/lock"
  lock 9 wait
  prune "$CS_MODEL_KIB"
  exec 9>&-
  for p in "$D".partial-*; do
    if [ -f "$p/${P}" ]; then rm -rf "$p"; fi
  done
  if [ -f "$D/${P}" ]; then rm -rf "$D"; fi
  export CS_TMP="$D.partial-$HOSTNAME"
  mkdir "$CS_TMP"
  : > "$CS_TMP/${P}"
  python3 -c '${SNAPSHOT_TO_DIR}'
  : > "$CS_TMP/${C}"
  if ! mv -T "$CS_TMP" "$D" 2>/dev/null; then
    rm -rf "$CS_TMP"
    echo "$D is in the way and is not a download of this library: move it out of $R" >&2
    exit 1
  fi
  rm -f "$D/${P}"
fi
touch "$D/${C}"
exec 9>"$S/lock"
lock 9 wait
printf '%s\\n' "$CS_REPO_ID/$CS_REVISION" > "$S/uses/$CS_CACHE_KEY"
prune 0
`;
}
