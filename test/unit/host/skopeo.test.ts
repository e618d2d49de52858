// skopeo: argv (credentials secret), inspect/config/list-tags parsing, fatal stderr → typed errors.
import { describe, expect, it } from 'vitest';
import { ExitCode, HostCommandError, NotFoundError, RegistryAuthError, RegistryUnreachableError, UsageError } from '../../../src/errors.js';
import { displayCommand } from '../../../src/host/command.js';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import {
  classifySkopeoFailure,
  envToRecord,
  parseSkopeoConfig,
  parseSkopeoInspect,
  parseSkopeoListTags,
  pveOciArchiveName,
  runSkopeo,
  skopeoCopy,
  skopeoFatalMessage,
  skopeoInspect,
  skopeoListTags,
  withTransport,
} from '../../../src/host/skopeo.js';
import { fixture } from './fixture.js';

const creds = { username: 'user', password: 'pa55:word' };

describe('skopeo argv', () => {
  it('copy: quiet by default, docker:// → oci-archive:, long timeout', () => {
    expect(skopeoCopy('docker.io/library/nginx:1.27-alpine', '/var/lib/vz/template/cache/nginx_1.27-alpine.tar')).toEqual({
      file: 'skopeo',
      args: ['copy', '-q', 'docker://docker.io/library/nginx:1.27-alpine', 'oci-archive:/var/lib/vz/template/cache/nginx_1.27-alpine.tar'],
      timeoutMs: 1_800_000,
    });
  });

  it('copy with every access option, in a fixed order, credentials secret', () => {
    const cmd = skopeoCopy('127.0.0.1:5000/private/app:1.0', '/tmp/app.tar', {
      tlsVerify: false,
      creds,
      authfile: '/root/auth.json',
      retryTimes: 3,
      quiet: false,
      destTag: '1.0',
    });
    expect(cmd.args).toEqual([
      'copy', '--retry-times', '3', '--src-tls-verify=false', '--authfile', '/root/auth.json', '--src-creds', 'user:pa55:word',
      'docker://127.0.0.1:5000/private/app:1.0', 'oci-archive:/tmp/app.tar:1.0',
    ]);
    expect(cmd.secrets).toEqual(['user:pa55:word', 'pa55:word']);
    expect(displayCommand(cmd)).not.toContain('pa55');
    expect(cmd.readOnly).toBeUndefined();
  });

  it('inspect and list-tags are read-only and use the unprefixed flags', () => {
    expect(skopeoInspect('127.0.0.1:5000/demo/app:1.0', { config: true, tlsVerify: false, creds })).toEqual({
      file: 'skopeo',
      args: ['inspect', '--config', '--tls-verify=false', '--creds', 'user:pa55:word', 'docker://127.0.0.1:5000/demo/app:1.0'],
      readOnly: true,
      secrets: ['user:pa55:word', 'pa55:word'],
    });
    expect(skopeoInspect('oci-archive:/tmp/a.tar', { noTags: true }).args).toEqual(['inspect', '--no-tags', 'oci-archive:/tmp/a.tar']);
    expect(skopeoListTags('127.0.0.1:5000/demo/app', { tlsVerify: false })).toEqual({
      file: 'skopeo',
      args: ['list-tags', '--tls-verify=false', 'docker://127.0.0.1:5000/demo/app'],
      readOnly: true,
    });
  });

  it('list-tags refuses a tag or digest; creds refuse a ":" in the user name', () => {
    expect(() => skopeoListTags('127.0.0.1:5000/demo/app:1.0')).toThrow(UsageError);
    expect(() => skopeoListTags('demo/app@sha256:abc')).toThrow(UsageError);
    expect(() => skopeoInspect('x', { creds: { username: 'a:b', password: 'c' } })).toThrow(UsageError);
  });

  it('withTransport leaves transport-qualified refs alone (a registry port is not a transport)', () => {
    expect(withTransport('127.0.0.1:5000/demo/app:1.0')).toBe('docker://127.0.0.1:5000/demo/app:1.0');
    expect(withTransport('docker://nginx')).toBe('docker://nginx');
    expect(withTransport('oci-archive:/tmp/a.tar')).toBe('oci-archive:/tmp/a.tar');
  });

  it("names archives like PVE's pull does", () => {
    expect(pveOciArchiveName('docker.io/library/nginx:1.27-alpine')).toBe('nginx_1.27-alpine.tar');
    expect(pveOciArchiveName('docker://127.0.0.1:5000/demo/app:1.0')).toBe('app_1.0.tar');
    expect(pveOciArchiveName('ghcr.io/a/b@weird+name:1')).toBe('b_weird_name_1.tar');
  });
});

describe('parseSkopeoInspect', () => {
  it('reads real skopeo 1.9.3 output (no Name, no LayersData)', () => {
    const info = parseSkopeoInspect(fixture('skopeo-inspect-1.9.3.json'));
    expect(info).toEqual({
      digest: 'sha256:d24b839f7c1762346dfced4f8f11895fe81d36c8b04864c27055b60aef59b7f7',
      repoTags: [],
      created: '2024-01-01T00:00:00Z',
      labels: { 'org.opencontainers.image.title': 'demo app' },
      architecture: 'amd64',
      os: 'linux',
      layers: ['sha256:c10204c8e528f0c89642aa3c1988e8258ae88306c99dec3eac52f08b0cb93ac6'],
      env: ['PATH=/usr/bin:/bin', 'FOO=bar'],
    });
  });

  it('reads the newer shape with Name, Tag and LayersData (null annotations)', () => {
    const info = parseSkopeoInspect(fixture('skopeo-inspect-new.json'));
    expect(info.name).toBe('docker.io/library/nginx');
    expect(info.tag).toBe('1.27-alpine');
    expect(info.repoTags).toEqual(['1.27', '1.27-alpine', 'latest']);
    expect(info.labels).toEqual({ maintainer: 'NGINX Docker Maintainers <docker-maint@nginx.com>' });
    expect(info.layersData).toEqual([
      { mimeType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: 'sha256:1f3e46996e2966e4faa5846e56e76e3748b7315e2ded61476c24403d592134f0', size: 3642247, annotations: {} },
      {
        mimeType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: 'sha256:9a2a2c4d3d5b4f1a7e6c7b8f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d',
        size: 1793,
        annotations: { 'org.opencontainers.image.title': 'layer2' },
      },
    ]);
  });

  it('Labels null → {}; missing Digest is an error', () => {
    const min = '{"Digest":"sha256:1","RepoTags":[],"Labels":null,"Architecture":"arm64","Os":"linux","Layers":[],"Env":null}';
    expect(parseSkopeoInspect(min)).toEqual({ digest: 'sha256:1', repoTags: [], labels: {}, architecture: 'arm64', os: 'linux', layers: [], env: [] });
    expect(() => parseSkopeoInspect('{"Architecture":"amd64","Os":"linux"}')).toThrow(/Digest/);
  });
});

describe('parseSkopeoConfig', () => {
  it('reads real `inspect --config` output from skopeo 1.9.3', () => {
    expect(parseSkopeoConfig(fixture('skopeo-inspect-config-1.9.3.json'))).toEqual({
      architecture: 'amd64',
      os: 'linux',
      created: '2024-01-01T00:00:00Z',
      entrypoint: ['/docker-entrypoint.sh'],
      cmd: ['nginx', '-g', 'daemon off;'],
      env: ['PATH=/usr/bin:/bin', 'FOO=bar'],
      workingDir: '/srv',
      user: 'app:app',
      stopSignal: 'SIGQUIT',
      exposedPorts: ['8080/tcp'],
      volumes: ['/data'],
      labels: { 'org.opencontainers.image.title': 'demo app' },
    });
  });

  it('an image without a config section gets empty defaults', () => {
    expect(parseSkopeoConfig('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}')).toEqual({
      architecture: 'amd64', os: 'linux', entrypoint: [], cmd: [], env: [], exposedPorts: [], volumes: [], labels: {},
    });
  });

  it('envToRecord splits on the first =', () => {
    expect(envToRecord(['A=1', 'B=x=y', 'C=', 'junk'])).toEqual({ A: '1', B: 'x=y', C: '' });
  });
});

describe('parseSkopeoListTags', () => {
  it('reads Repository and Tags', () => {
    expect(parseSkopeoListTags(fixture('skopeo-list-tags.json'))).toEqual({ repository: '127.0.0.1:5000/demo/app', tags: ['1.0', '2.0', '3.0'] });
  });
});

describe('skopeo fatal stderr', () => {
  it('extracts the logfmt message with \\" unescaped (real 1.9.3 output)', () => {
    expect(skopeoFatalMessage(fixture('skopeo-fatal-no-descriptor.txt'))).toBe(
      'Error parsing image name "oci-archive:/tmp/ocitest/a.tar:latest": no descriptor found for reference "latest"',
    );
    expect(skopeoFatalMessage(fixture('skopeo-fatal-unknown-transport.txt'))).toBe(
      'Error parsing image name "bogus:foo": Invalid image name "bogus:foo", unknown transport "bogus"',
    );
  });

  it('extracts the TTY form and skips warnings', () => {
    expect(skopeoFatalMessage(fixture('skopeo-fatal-tty-auth.txt'))).toBe(
      'initializing source docker://127.0.0.1:5000/private/app:1.0: reading manifest 1.0 in 127.0.0.1:5000/private/app: unauthorized: authentication required',
    );
    expect(skopeoFatalMessage(fixture('skopeo-fatal-denied.txt'))).toMatch(/^Error parsing image name "docker:\/\/docker.io\/nosuch\/repo:1": reading manifest/);
    expect(skopeoFatalMessage('')).toBeUndefined();
    expect(skopeoFatalMessage('plain failure text\n')).toBe('plain failure text');
  });

  const copy = skopeoCopy('127.0.0.1:5000/demo/app:9.9', '/tmp/a.tar');

  it('classifies manifest unknown and a missing local archive as NotFoundError', () => {
    const e = classifySkopeoFailure(copy, fixture('skopeo-fatal-manifest-unknown.txt'), 1);
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e!.message).toBe(
      'image not found: docker://127.0.0.1:5000/demo/app:9.9: initializing source docker://127.0.0.1:5000/demo/app:9.9: reading manifest 9.9 in 127.0.0.1:5000/demo/app: manifest unknown',
    );
    expect(classifySkopeoFailure(skopeoInspect('oci-archive:/tmp/ocitest/missing.tar'), fixture('skopeo-fatal-missing-archive.txt'), 1)).toBeInstanceOf(NotFoundError);
    expect(classifySkopeoFailure(copy, 'time="x" level=fatal msg="something odd"', 2)).toBeInstanceOf(NotFoundError);
  });

  it('classifies unauthorized / denied as RegistryAuthError with a --creds hint', () => {
    for (const f of ['skopeo-fatal-unauthorized.txt', 'skopeo-fatal-tty-auth.txt', 'skopeo-fatal-denied.txt']) {
      const e = classifySkopeoFailure(copy, fixture(f), 1);
      expect(e, f).toBeInstanceOf(RegistryAuthError);
      expect(e!.exitCode).toBe(ExitCode.other);
      expect(e!.hint).toContain('--creds');
      expect(e!.hint).toContain('authfile');
    }
  });

  it('classifies connection refused (real 1.9.3 output) as unreachable', () => {
    const e = classifySkopeoFailure(copy, fixture('skopeo-fatal-connection-refused.txt'), 1);
    expect(e).toBeInstanceOf(RegistryUnreachableError);
    expect(e!.message).toContain('connect: connection refused');
    const tls = classifySkopeoFailure(copy, 'time="x" level=fatal msg="pinging container registry r:5000: Get \\"https://r:5000/v2/\\": http: server gave HTTP response to HTTPS client"', 1);
    expect(tls).toBeInstanceOf(RegistryUnreachableError);
    expect(tls!.hint).toContain('tls-verify=false');
  });

  it('leaves a local permission problem unclassified (not an auth error)', () => {
    expect(classifySkopeoFailure(copy, 'time="x" level=fatal msg="open /var/lib/vz/x.tar: permission denied"', 1)).toBeUndefined();
  });

  it('runSkopeo gives typed errors and, for unknown failures, a clean message', async () => {
    const r = new RecordingRunner([
      { file: 'skopeo', args: copy.args, result: { exitCode: 1, stderr: fixture('skopeo-fatal-connection-refused.txt') } },
      { file: 'skopeo', args: ['inspect', 'bogus:foo'], result: { exitCode: 1, stderr: fixture('skopeo-fatal-unknown-transport.txt') } },
      { file: 'skopeo', args: ['list-tags', 'docker://r/x'], result: { stdout: fixture('skopeo-list-tags.json') } },
    ]);
    await expect(runSkopeo(r, copy)).rejects.toBeInstanceOf(RegistryUnreachableError);
    const e = (await runSkopeo(r, { file: 'skopeo', args: ['inspect', 'bogus:foo'] }).catch((x: unknown) => x)) as HostCommandError;
    expect(e).toBeInstanceOf(HostCommandError);
    expect(e.message).toBe('command failed with exit code 1: skopeo inspect bogus:foo\nError parsing image name "bogus:foo": Invalid image name "bogus:foo", unknown transport "bogus"');
    expect((await runSkopeo(r, { file: 'skopeo', args: ['list-tags', 'docker://r/x'] })).exitCode).toBe(0);
    r.assertDone();
  });

  it('never shows the password, even if skopeo echoes it', async () => {
    const cmd = skopeoCopy('r:5000/p/app:1', '/tmp/a.tar', { creds });
    const r = new RecordingRunner([
      { file: 'skopeo', args: cmd.args, result: { exitCode: 1, stderr: 'time="x" level=fatal msg="weird failure for user:pa55:word (pa55:word)"\n' } },
    ]);
    const e = (await runSkopeo(r, cmd).catch((x: unknown) => x)) as HostCommandError;
    expect(e).toBeInstanceOf(HostCommandError);
    expect(e.message).not.toContain('pa55');
    expect(e.message).toContain('weird failure for *** (***)');
  });
});
