// What a container's exit code means. 128+n is death by signal n (the shell convention the
// runtimes follow: SIGKILL 9 → 137, SIGTERM 15 → 143); 126/127 are the shell's "found but not
// executable" / "not found". Meanings are the POSIX ones, which is what the user will search for.

const SIGNALS: Readonly<Record<number, string>> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
};

const SIGNAL_MEANING: Readonly<Record<number, string>> = {
  6: 'the process aborted (assertion, abort())',
  9: 'killed (out of memory, or a kill after the grace period)',
  11: 'segmentation fault (invalid memory access)',
  15: 'terminated on request (stop, rollout, liveness probe)',
  2: 'interrupted',
  7: 'bus error',
  8: 'arithmetic error',
};

export function signalName(n: number): string {
  return SIGNALS[n] ?? `signal ${n}`;
}

/** `exit code 137 (128+9: SIGKILL, killed …)`, `exit code 127 (command not found)`. */
export function exitCodeMeaning(code: number, signal?: number): string {
  if (signal) return `signal ${signal} (${signalName(signal)}${SIGNAL_MEANING[signal] ? `: ${SIGNAL_MEANING[signal]}` : ''})`;
  if (code === 0) return 'exit code 0 (success)';
  if (code === 1) return 'exit code 1 (the application reported an error)';
  if (code === 2) return 'exit code 2 (misuse of a shell builtin or bad arguments)';
  if (code === 126) return 'exit code 126 (the command was found but is not executable)';
  if (code === 127) return 'exit code 127 (command not found)';
  if (code === 128) return 'exit code 128 (the runtime could not start the process)';
  if (code > 128 && code < 160) {
    const n = code - 128;
    return `exit code ${code} (128+${n}: ${signalName(n)}${SIGNAL_MEANING[n] ? `, ${SIGNAL_MEANING[n]}` : ''})`;
  }
  if (code === 255) return 'exit code 255 (exit status out of range, often exit(-1))';
  return `exit code ${code} (application-specific)`;
}
