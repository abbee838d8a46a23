/** `--flag` or `--flag=value`, the only shapes of `engine.extraArgs` the blueprint can merge. @internal */
export const EXTRA_ARG = /^(--[a-z0-9][a-z0-9-]*)(?:=(.*))?$/s;
