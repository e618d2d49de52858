// Reading spec YAML: syntax errors and duplicate keys with lines, and ${VAR} interpolation in a whole document.
import { describe, expect, it } from 'vitest';
import { parseContainerSpecText } from '../../../src/config/index.js';
import { problemsOf, specOf, withContainer, yaml } from './helpers.js';

describe('YAML syntax', () => {
  it('reports syntax errors with their line and checks nothing else', () => {
    expect(
      problemsOf(
        yaml`
          container:
            hostname: web
            template: debian-12
            resources: { cores: 2
            vmid: 5
        `,
      ),
    ).toEqual(['ct.yaml:5 YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }']);
  });

  it('reports a bad indent', () => {
    expect(problemsOf('container:\n  hostname: web\n template: x\n')).toEqual(['ct.yaml:3 YAML syntax error: All mapping items must start at the same column']);
  });

  it('hints at quoting ${…} inside flow collections', () => {
    expect(problemsOf(withContainer('  tags: [${TAG}]\n'), { TAG: 'x' })).toEqual([
      'ct.yaml:4 YAML syntax error: Missing , or : between flow sequence items (quote values containing ${…} inside [ ] or { })',
    ]);
  });

  it('refuses several documents in one file', () => {
    expect(problemsOf(`${withContainer('')}---\n${withContainer('')}`)).toEqual([
      'ct.yaml:4 YAML syntax error: the file holds more than one document (---); a spec file holds exactly one',
    ]);
  });

  it('refuses aliases to missing anchors', () => {
    expect(problemsOf(withContainer('  description: *nope\n'))).toEqual(['ct.yaml:4 container.description: YAML error: alias *nope has no anchor &nope before it']);
  });

  it('stops alias bombs', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefg'[i]}`).join(', ')}]`), 'container: *h'].join('\n');
    expect(problemsOf(bomb)[0]).toMatch(/^ct\.yaml:1 YAML error: Excessive alias count/);
  });

  it('resolves anchors and aliases', () => {
    const spec = specOf(
      yaml`
        container:
          hostname: web
          template: debian-12
          tags: &t [a, b]
        provisioning:
          packages: *t
      `,
    );
    expect(spec.provisioning.packages).toEqual(['a', 'b']);
  });
});

describe('duplicate keys', () => {
  it('reports the second key with the line of the first', () => {
    expect(problemsOf('container:\n  hostname: web\n  template: debian-12\n  hostname: web2\n')).toEqual([
      'ct.yaml:4 container.hostname: duplicate key (first defined on line 2)',
    ]);
  });

  it('reports duplicates inside list items and at the top level', () => {
    expect(problemsOf(`${withContainer('  mount_points:\n    - host: /a\n      host: /b\n      container: /c\n')}container: {}\n`)).toEqual([
      'ct.yaml:6 container.mount_points[0].host: duplicate key (first defined on line 5)',
      'ct.yaml:8 container: duplicate key (first defined on line 1)',
      'ct.yaml:8 container.hostname: required',
      'ct.yaml:8 container.template: required',
    ]);
  });
});

describe('environment interpolation in a document', () => {
  const text = yaml`
    container:
      hostname: \${CT_NAME}
      template: \${TEMPLATE:-debian-12}
      vmid: \${VMID}
      start_on_boot: \${ONBOOT}
      description: "vmid \${VMID}, literal $\${NOT_A_VAR}"
    provisioning:
      tailscale:
        auth_key: \${TAILSCALE_AUTH_KEY}
      scripts:
        - name: s
          content: echo "\${HOME} \${UNSET_IN_SCRIPT}"
          environment:
            PORT: "\${PORT:-8080}"
  `;

  it('substitutes set variables and types unquoted results as YAML would', () => {
    const spec = specOf(text, { CT_NAME: 'web', VMID: '250', ONBOOT: 'true', TAILSCALE_AUTH_KEY: 'tskey-auth-1' });
    expect(spec.container).toMatchObject({ hostname: 'web', template: 'debian-12', vmid: 250, start_on_boot: true, description: 'vmid 250, literal ${NOT_A_VAR}' });
    expect(spec.provisioning.tailscale?.auth_key).toBe('tskey-auth-1');
    expect(spec.provisioning.scripts[0]?.environment).toEqual({ PORT: '8080' });
  });

  it('leaves script content literal', () => {
    const spec = specOf(text, { CT_NAME: 'web', VMID: '250', ONBOOT: 'true', TAILSCALE_AUTH_KEY: 'tskey-auth-1' });
    expect(spec.provisioning.scripts[0]?.content).toBe('echo "${HOME} ${UNSET_IN_SCRIPT}"');
  });

  it('reports a missing variable with its line and path', () => {
    expect(problemsOf(text, { CT_NAME: 'web', VMID: '250', ONBOOT: 'true' })).toEqual([
      'ct.yaml:9 provisioning.tailscale.auth_key: environment variable TAILSCALE_AUTH_KEY is not set (use ${TAILSCALE_AUTH_KEY:-default} for a fallback)',
    ]);
  });

  it('reports every missing variable, without schema noise about the unresolved values', () => {
    expect(problemsOf(text, {})).toEqual([
      'ct.yaml:2 container.hostname: environment variable CT_NAME is not set (use ${CT_NAME:-default} for a fallback)',
      'ct.yaml:4 container.vmid: environment variable VMID is not set (use ${VMID:-default} for a fallback)',
      'ct.yaml:5 container.start_on_boot: environment variable ONBOOT is not set (use ${ONBOOT:-default} for a fallback)',
      'ct.yaml:6 container.description: environment variable VMID is not set (use ${VMID:-default} for a fallback)',
      'ct.yaml:9 provisioning.tailscale.auth_key: environment variable TAILSCALE_AUTH_KEY is not set (use ${TAILSCALE_AUTH_KEY:-default} for a fallback)',
    ]);
  });

  it('still reports other problems next to missing variables', () => {
    expect(problemsOf(withContainer('  vmid: ${VMID}\n  resources: { cores: 0 }\n'), {})).toEqual([
      'ct.yaml:4 container.vmid: environment variable VMID is not set (use ${VMID:-default} for a fallback)',
      'ct.yaml:5 container.resources.cores: must be between 1 and 128, got 0',
    ]);
  });

  it('validates the substituted value', () => {
    expect(problemsOf(withContainer('  resources:\n    cores: ${CORES}\n'), { CORES: 'many' })).toEqual(['ct.yaml:5 container.resources.cores: "many" is not a number']);
  });

  it('keeps quoted substitutions as strings', () => {
    expect(problemsOf(withContainer('  vmid: "${VMID}"\n'), { VMID: '250' })).toEqual([
      'ct.yaml:4 container.vmid: "250" is not a number (it is quoted: remove the quotes)',
    ]);
  });

  it('reports malformed references', () => {
    expect(problemsOf(withContainer('  description: ${not valid}\n'))).toEqual([
      'ct.yaml:4 container.description: invalid variable reference "${not valid}" (write ${NAME} with NAME like [A-Za-z_][A-Za-z0-9_]*, or $${ for a literal ${)',
    ]);
  });

  it('reads process.env when no environment is given', () => {
    process.env['PXDEPLOY_TEST_CT_NAME'] = 'from-process';
    try {
      const r = parseContainerSpecText('container:\n  hostname: ${PXDEPLOY_TEST_CT_NAME}\n  template: debian-12\n', 'ct.yaml');
      expect(r.ok && r.spec.container.hostname).toBe('from-process');
    } finally {
      delete process.env['PXDEPLOY_TEST_CT_NAME'];
    }
  });
});
