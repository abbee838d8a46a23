import { readFileSync } from 'fs';
import { join } from 'path';
import { nodeDirectory, relativePathProblem, SYSTEM_DIRECTORY_LIST } from '../../src/private/paths';

describe('node directories', () => {
  test('normal form: duplicate slashes, . segments and a trailing slash go', () => {
    expect(nodeDirectory('/mnt//nvme/./models/')).toEqual({ path: '/mnt/nvme/models' });
  });

  test.each(['/', '/.', '/..', '//', '/etc', '/var', '/var/lib', '/var/lib/kubelet/pods', '/usr/local', '/lib64', '/x/../etc', 'etc', '', '/a b', '/a,b', '/a\nb'])(
    '%j is refused', path => {
      expect(nodeDirectory(path).problem).toBeDefined();
      expect(nodeDirectory(path).path).toBeUndefined();
    });

  test('what is not a string is refused, not thrown on', () => {
    for (const v of [undefined, null, 42, {}, ['/mnt']]) expect(nodeDirectory(v).problem).toBeDefined();
  });

  test('README states the same list', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(SYSTEM_DIRECTORY_LIST);
  });
});

describe('relative paths', () => {
  test.each(['a', 'a/b', 'a.b/c-d_e', 'refs/pr/1', '...', 'a..b'])('%j passes', p => expect(relativePathProblem(p)).toBeUndefined());
  test.each(['', '/a', 'a/', 'a//b', '.', '..', 'a/./b', 'a/..', 'a b', 'a\tb', 'a\u0000b'])('%j is refused', p => expect(relativePathProblem(p)).toBeDefined());
  test('a comma is refused only where the value lands in a mount option', () => {
    expect(relativePathProblem('a,b')).toBeUndefined();
    expect(relativePathProblem('a,b', { mountOption: true })).toMatch(/comma/);
  });
});
