// A host tool printed something its parser cannot read: the contract changed or the tool misbehaved.
import { ExitCode, PxError } from '../errors.js';

export class UnexpectedOutputError extends PxError {
  readonly tool: string;
  constructor(tool: string, detail: string, excerpt?: string) {
    const shown = excerpt === undefined ? '' : `\n  got: ${JSON.stringify(excerpt.length > 200 ? `${excerpt.slice(0, 200)}…` : excerpt)}`;
    super(`unexpected output from ${tool}: ${detail}${shown}`, ExitCode.other, 'the host tool may be a version pxdeploy does not know; run it by hand to compare');
    this.tool = tool;
  }
}
