import { ERROR_CATALOGUE, ErrorKind, RETIRED_ERROR_IDS } from './error-catalogue';

/** @internal */
export const ERRORS_START = '<!-- errors:start -->';
/** @internal */
export const ERRORS_END = '<!-- errors:end -->';

const cell = (s: string) => s.replace(/\|/g, '\\|');

/**
 * README's table of error ids, generated from the catalogue; a test keeps the
 * committed README in sync.
 * @internal
 */
export function errorsMarkdown(): string {
  const rows = Object.entries(ERROR_CATALOGUE).map(([id, kind]: [string, ErrorKind]) =>
    `| ${id} | ${cell(kind.summary)} | ${kind.rule ?? '-'} |`);
  const retired = Object.entries(RETIRED_ERROR_IDS).map(([id, now]) => (now ? `${id} (now ${now})` : `${id} (no longer an error)`)).join(', ');
  return [
    ERRORS_START,
    '<!-- Generated from src/private/error-catalogue.ts by `npx projen errors`; test/errors.test.ts keeps it in sync. -->',
    '',
    '| id | mistake | same invariant at synth |',
    '|---|---|---|',
    ...rows,
    '',
    `Retired ids, never given a new meaning: ${retired}.`,
    ERRORS_END,
  ].join('\n');
}

/**
 * `readme` with the text between the errors markers replaced by the generated
 * table. Regenerate with `npx projen errors`.
 * @internal
 */
export function withErrorsTable(readme: string): string {
  const start = readme.indexOf(ERRORS_START);
  const end = readme.indexOf(ERRORS_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${ERRORS_START} ... ${ERRORS_END} block`);
  return readme.slice(0, start) + errorsMarkdown() + readme.slice(end + ERRORS_END.length);
}
