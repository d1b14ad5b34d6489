// Which shell to open: bash where the image has it, else sh (kubectl users type
// `kubectl exec -it pod -- bash || sh`). Each candidate is started for real; one that ends at once
// with "not found" (a failure Status, or exit 126/127 before any output) gives way to the next.
// A shell that is still running after the grace period, or that printed anything, is the one.
import { type ExecEnd, type ExecOptions, ExecSession, type OutputListener } from './execSession';
import type { ChannelOpener } from '../transport/channel/channelSocket';

export const DEFAULT_SHELLS: readonly (readonly string[])[] = [['bash'], ['sh']];

export interface ProbedShell {
  session: ExecSession;
  command: readonly string[];
}

export interface ProbeOptions extends Omit<ExecOptions, 'command' | 'tty' | 'stdin'> {
  candidates: readonly (readonly string[])[];
  /** How long a candidate must survive without output to count as started. Default 1.5 s. */
  graceMs?: number;
}

/**
 * Opens the first candidate that starts. Output of the chosen shell goes to `output` (including
 * what it printed during the probe); a refusal of the channel itself (forbidden, pod gone) is
 * thrown at once, since another shell would be refused the same way.
 */
export async function openShell(opener: ChannelOpener, opts: ProbeOptions, output: OutputListener): Promise<ProbedShell> {
  const tried: string[] = [];
  for (const command of opts.candidates) {
    const held: [Parameters<OutputListener>[0], string][] = [];
    let live = false;
    const session = await ExecSession.open(opener, { ...opts, command, tty: true, stdin: true }, (stream, text) => {
      if (live) output(stream, text);
      else held.push([stream, text]);
    });
    const early = await firstOf(session, opts.graceMs ?? 1500, () => held.length > 0);
    if (early && notFound(early, held.length > 0)) {
      tried.push(`${command.join(' ')}: ${describeEnd(early)}`);
      continue;
    }
    live = true;
    for (const [s, t] of held) output(s, t);
    return { session, command };
  }
  throw new Error(`No shell could start (${tried.join('; ')})`);
}

/** The end if the session ended within the grace period (and before any output), else undefined. */
function firstOf(session: ExecSession, graceMs: number, hasOutput: () => boolean): Promise<ExecEnd | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), graceMs);
    const poll = setInterval(() => {
      if (hasOutput()) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(undefined);
      }
    }, 50);
    void session.ended.then((e) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve(e);
    });
  });
}

function notFound(end: ExecEnd, printed: boolean): boolean {
  if (end.kind === 'failure') return true;
  return end.kind === 'exit' && (end.code === 126 || end.code === 127) && !printed;
}

export function describeEnd(end: ExecEnd): string {
  switch (end.kind) {
    case 'exit':
      return `exit code ${end.code}`;
    case 'failure':
      return end.message;
    case 'closed':
      return end.error ? `connection failed (${end.error.message})` : `connection closed (${end.code}${end.reason ? ` ${end.reason}` : ''})`;
  }
}
