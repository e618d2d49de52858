// Guest ids as PVE accepts them (100..999999999), checked before any command is built.
import { UsageError } from '../errors.js';

export const MIN_VMID = 100;
export const MAX_VMID = 999_999_999;

export function isVmid(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= MIN_VMID && n <= MAX_VMID;
}

/** The vmid as an argv element; throws a UsageError for anything PVE would refuse. */
export function vmidArg(vmid: number): string {
  if (!isVmid(vmid)) throw new UsageError(`invalid vmid ${String(vmid)}: must be an integer from ${MIN_VMID} to ${MAX_VMID}`);
  return String(vmid);
}
