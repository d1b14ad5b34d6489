// Detached component processes that outlive the Node process that started them (cluster:up exits
// while the cluster keeps running) and can be stopped later from another process via state.json.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { waitFor } from './wait';

export interface ProcessRecord {
  pid: number;
  /** Kernel start time of the pid (field 22 of /proc/<pid>/stat): guards against pid reuse. */
  startTime: string;
  command: string;
  args: string[];
  log: string;
  env?: Record<string, string>;
}

function procStat(pid: number): { state: string; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: parse after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', startTime: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** True while the recorded process (same pid, same start time) exists and is not a zombie. */
export function isRunning(rec: Pick<ProcessRecord, 'pid' | 'startTime'>): boolean {
  const stat = procStat(rec.pid);
  return stat !== undefined && stat.state !== 'Z' && stat.startTime === rec.startTime;
}

export function spawnDetached(command: string, args: string[], log: string, env?: Record<string, string>, cwd?: string): ProcessRecord {
  const fd = openSync(log, 'a');
  try {
    // detached: own session and process group, so stop() can signal the whole group (KWOK's
    // exec children included) and nothing dies with the parent's terminal.
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...env },
      cwd,
    });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    const stat = procStat(child.pid);
    return { pid: child.pid, startTime: stat?.startTime ?? '', command, args, log, ...(env ? { env } : {}) };
  } finally {
    closeSync(fd);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM the process group, wait for exit, SIGKILL after `graceMs`. No-op if already gone. */
export async function stopProcess(rec: ProcessRecord, graceMs = 15_000): Promise<void> {
  if (!isRunning(rec)) return;
  signalGroup(rec.pid, 'SIGTERM');
  try {
    await waitFor(() => !isRunning(rec), { timeoutMs: graceMs, what: `${rec.command} (pid ${rec.pid}) to exit after SIGTERM`, intervalMs: 50 });
  } catch {
    signalGroup(rec.pid, 'SIGKILL');
    await waitFor(() => !isRunning(rec), { timeoutMs: 5_000, what: `${rec.command} (pid ${rec.pid}) to exit after SIGKILL`, intervalMs: 50 });
  }
}

/** Last lines of a component log, appended to start-up errors so they explain themselves. */
export function logTail(path: string, lines = 25): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Resident set size in KiB from /proc, or undefined if the process is gone. */
export function rssKiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Live processes whose executable path lies under `binDir` (the cluster's dir/bin links): how
 * stop() finds a component that is not, or no longer, in state.json, e.g. after a crash of the
 * process that spawned it before it could record the pid.
 */
export function processesUnder(binDir: string): ProcessRecord[] {
  const prefix = binDir.endsWith('/') ? binDir : `${binDir}/`;
  const found: ProcessRecord[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const stat = procStat(pid);
      if (!argv[0]?.startsWith(prefix) || !stat || stat.state === 'Z') continue;
      found.push({ pid, startTime: stat.startTime, command: argv[0], args: argv.slice(1, -1), log: '' });
    } catch {
      // exited while we looked
    }
  }
  return found;
}
