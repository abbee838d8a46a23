import { forwardsToLoopback, locationFor, parseNginxConf } from '../../src/private/nginx-conf';

describe('nginx config reading (CS-SLP-001)', () => {
  const conf = parseNginxConf([
    'upstream vllm { server localhost:8001; }',
    'server {',
    '  listen [::]:8080;  # all interfaces',
    '  listen 127.0.0.1:9000;',
    '  # location = /sleep { proxy_pass http://127.0.0.1:8001; }',
    '  location "/v1/" { proxy_pass http://vllm; }',
    '  location ~* ^/WAKE { proxy_pass http://127.0.0.1:8001/; }',
    '  location = /health { proxy_pass https://127.0.0.1:8001; }',
    '}',
  ].join('\n'));

  test('locations, quoted paths, upstreams and the non-loopback listen ports are read; comments are not', () => {
    expect(conf.locations.map(l => `${l.modifier} ${l.path}`)).toEqual([' /v1/', '~* ^/WAKE', '= /health']);
    expect(conf.upstreams.get('vllm')).toEqual(['localhost:8001']);
    expect(conf.publicPorts).toEqual([8080]);
    expect(locationFor(conf, '/sleep')).toBeUndefined();
  });

  test('a case-insensitive regex matches; a PCRE construct JavaScript cannot read is assumed to match', () => {
    expect(locationFor(conf, '/wake_up')?.path).toBe('^/WAKE');
    const pcre = parseNginxConf('location ~ (?i)^/sleep { proxy_pass http://127.0.0.1:8001; }');
    expect(locationFor(pcre, '/anything')?.path).toBe('(?i)^/sleep');
  });

  test('an upstream on loopback and a direct URL count as the engine; another port does not', () => {
    expect(forwardsToLoopback(conf, locationFor(conf, '/v1/models')!, 8001)).toBe(true);
    expect(forwardsToLoopback(conf, locationFor(conf, '/wake_up')!, 8001)).toBe(true);
    expect(forwardsToLoopback(conf, locationFor(conf, '/v1/models')!, 8002)).toBe(false);
    expect(forwardsToLoopback(conf, locationFor(conf, '/health')!, 8001)).toBe(true);
    expect(forwardsToLoopback(parseNginxConf('location / { proxy_pass http://10.0.0.1:8001; }'), { modifier: '', path: '/', proxyPass: ['10.0.0.1:8001'] }, 8001)).toBe(false);
  });
});
