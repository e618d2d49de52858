// The container backend strategy: what differs between a CT from a vztmpl template and one from an OCI image, chosen once.
import type { ContainerSpec } from '../config/schema/spec.js';
import type { Context } from '../context.js';

/** A CT that came up: its address, and what "up" meant for this backend (systemd's state, or the app's health). */
export interface CtUp {
  ip: string;
  /** `running`/`degraded`/`none` (systemd), or `healthy` (an app's health endpoint). */
  state: string;
}

export interface ContainerBackend {
  readonly kind: 'lxc' | 'oci';
  /**
   * The template argument of `pct create` for this CT: a vztmpl volume id, or an OCI archive prepared
   * for it. `release` removes whatever was made for this one create (called on every path).
   */
  template(ctx: Context, spec: ContainerSpec): Promise<{ ostemplate: string; release(): Promise<void> }>;
  /** Checks, after `pct create` and before start, that the CT got what was asked; throws otherwise. */
  verifyCreated?(ctx: Context, vmid: number): Promise<void>;
  /** Wait, with a deadline, until the started CT is up in this backend's sense. */
  waitUp(ctx: Context, vmid: number, spec: ContainerSpec): Promise<CtUp>;
}
