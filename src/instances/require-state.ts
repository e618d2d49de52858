// The state of an installed instance, or a NotFoundError that says how to install it.
import type { Context } from '../context.js';
import { NotFoundError } from '../errors.js';
import { readInstanceState, type InstanceState } from '../state/instance-state.js';

export async function requireState(ctx: Context, id: string): Promise<InstanceState> {
  const s = await readInstanceState(ctx.paths, id);
  if (!s) throw new NotFoundError(`instance ${id} is not installed (no state)`, `install it with \`pxdeploy install ${id}\``);
  return s;
}
