// Instance YAML for host e2e tests: the container block every test instance shares, and the notes demo app's config.
export interface TestCt {
  vmid: number;
  hostname: string;
  ip: string;
}

/** The `container:` block: a small unprivileged Debian CT on vmbr0 with a static address. */
export function containerBlock(ct: TestCt): string {
  return `container:
  vmid: ${ct.vmid}
  hostname: ${ct.hostname}
  template: debian-12
  resources: { cores: 1, memory: 512, disk: 4 }
  storage_pool: local-lvm
  network: { bridge: vmbr0, ip: ${ct.ip}/24, gateway: 10.203.0.1 }
  features: { nesting: true }
`;
}

/** The notes demo app from release tarballs built by apps/notes/build.sh into $NOTES_DIST. */
export function notesInstanceYaml(ct: TestCt, opts: { version?: string; healthTimeout?: number } = {}): string {
  const artifact = '{ artifact: "${NOTES_DIST}/notes-{version}.tar.gz", sha256_file: "${NOTES_DIST}/notes-{version}.tar.gz.sha256" }';
  return `app: notes
version: "${opts.version ?? '1.0.0'}"
${containerBlock(ct)}sources:
  backend: ${artifact}
  mcp: ${artifact}
health: { timeout: ${opts.healthTimeout ?? 12}, interval: 0.5 }
`;
}
