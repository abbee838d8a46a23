import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';

// Lua 5.3 in JavaScript; Argo CD runs health checks with gopher-lua (5.1): the script uses only what both have.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lua, lauxlib, lualib, to_luastring: L, to_jsstring } = require('fengari');

/** The argocd-cm `data` block the README ships, between its markers. */
function readmeChecks(): Record<string, string> {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const block = /<!-- argocd-health:begin -->\s*```yaml\n([\s\S]*?)```\s*<!-- argocd-health:end -->/.exec(readme);
  if (!block) throw new Error('README.md has no argocd-health block');
  return parse(block[1]).data;
}

function push(state: any, value: unknown): void {
  if (value === null || value === undefined) {
    lua.lua_pushnil(state);
  } else if (typeof value === 'number') {
    // gopher-lua has one number type and prints 3, not 3.0: integers go in as Lua 5.3 integers.
    (Number.isInteger(value) ? lua.lua_pushinteger : lua.lua_pushnumber)(state, value);
  } else if (typeof value === 'string') {
    lua.lua_pushstring(state, L(value));
  } else if (typeof value === 'boolean') {
    lua.lua_pushboolean(state, value);
  } else if (Array.isArray(value)) {
    lua.lua_newtable(state);
    value.forEach((v, i) => {
      push(state, v);
      lua.lua_rawseti(state, -2, i + 1);
    });
  } else {
    lua.lua_newtable(state);
    for (const [k, v] of Object.entries(value as object)) {
      push(state, v);
      lua.lua_setfield(state, -2, L(k));
    }
  }
}

/** Runs a health script as Argo CD does: `obj` is a global, the script returns `{ status, message }`. */
function health(script: string, obj: unknown): { status: string; message: string } {
  const state = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(state);
  push(state, obj);
  lua.lua_setglobal(state, L('obj'));
  if (lauxlib.luaL_loadstring(state, L(script)) !== lua.LUA_OK || lua.lua_pcall(state, 0, 1, 0) !== lua.LUA_OK) {
    throw new Error(to_jsstring(lua.lua_tojstring(state, -1)));
  }
  const field = (name: string) => {
    lua.lua_getfield(state, -1, L(name));
    const v = to_jsstring(lua.lua_tostring(state, -1));
    lua.lua_pop(state, 1);
    return v;
  };
  return { status: field('status'), message: field('message') };
}

const checks = readmeChecks();

test('the README ships one check per KServe cache kind, under Argo CD\'s resource.customizations key', () => {
  expect(Object.keys(checks).sort()).toEqual([
    'resource.customizations.health.serving.kserve.io_LocalModelCache',
    'resource.customizations.health.serving.kserve.io_LocalModelNamespaceCache',
  ]);
});

describe.each(Object.keys(checks))('%s', key => {
  const cache = (status?: unknown) => ({ apiVersion: 'serving.kserve.io/v1alpha1', kind: key.split('_')[1], metadata: { name: 'qwen' }, spec: {}, status });

  test.each([
    ['no status yet (just created, or no local-model controller)', undefined, 'Progressing', /waiting for KServe/],
    ['a status without copies', { nodeStatus: {} }, 'Progressing', /waiting for KServe/],
    ['downloading on some nodes', { copies: { total: 3, available: 1 }, nodeStatus: { a: 'NodeDownloaded', b: 'NodeDownloading', c: 'NodeDownloadPending' } }, 'Progressing', /^the model is cached on 1 of 3 nodes$/],
    ['a node not ready counts as not cached', { copies: { total: 2, available: 1 }, nodeStatus: { a: 'NodeDownloaded', b: 'NodeNotReady' } }, 'Progressing', /1 of 2/],
    ['on every node', { copies: { total: 3, available: 3 } }, 'Healthy', /^the model is cached on 3 of 3 nodes$/],
    ['no node in the groups yet (scale to zero on autoscaled nodes)', { copies: { total: 0, available: 0, failed: 0 } }, 'Healthy', /0 of 0/],
    ['a download error on one node', { copies: { total: 3, available: 2, failed: 1 } }, 'Degraded', /^1 of 3 nodes failed to download the model$/],
    ['counts KServe leaves out (omitempty) read as 0', { copies: { total: 2 } }, 'Progressing', /0 of 2/],
  ])('%s', (_name, status, expected, message) => {
    const hs = health(checks[key], cache(status));
    expect(hs.status).toBe(expected);
    expect(hs.message).toMatch(message);
  });
});
