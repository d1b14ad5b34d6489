// What a running code-server's processes hold, read from /proc (Linux): which process is the
// extension host, its resident memory, and its TCP connections to a port. Used by the benchmarks
// (bench/workbench.bench.ts) to measure the extension where users run it.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { CodeServerHandle } from './codeServer';

export interface ProcessInfo {
  pid: number;
  /** Process group id: code-server runs in its own group, so every child shares the server's pid. */
  pgid: number;
  cmdline: string;
  /** Start time in clock ticks since boot (field 22 of /proc/PID/stat): larger is newer. */
  startTicks: number;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, pgid: Number(rest[2]), cmdline, startTicks: Number(rest[19]) };
  } catch {
    return undefined; // exited meanwhile
  }
}

/** Every live process of a process group. */
export function processGroup(pgid: number): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProcess(Number(name));
    if (p && p.pgid === pgid) out.push(p);
  }
  return out;
}

/** The newest extension host process of a code-server (its command line says extensionHost). */
export function extensionHostPid(server: Pick<CodeServerHandle, 'pid'>): number | undefined {
  const hosts = processGroup(server.pid)
    .filter((p) => /--type=extensionHost\b|extensionHostProcess|bootstrap-fork.*extensionHost/.test(p.cmdline))
    .sort((a, b) => b.startTicks - a.startTicks);
  return hosts[0]?.pid;
}

/** Resident set size of a process in MiB (VmRSS). */
export function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

export interface TcpConnection {
  local: string;
  remote: string;
  /** Kernel TCP state name (ESTABLISHED, TIME_WAIT…). */
  state: string;
  inode: number;
}

const TCP_STATES: Record<string, string> = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
};

function hexAddress(hex: string): string {
  const [ip, port] = hex.split(':') as [string, string];
  const p = Number.parseInt(port, 16);
  if (ip.length === 8) {
    const bytes = [0, 2, 4, 6].map((i) => Number.parseInt(ip.slice(i, i + 2), 16)).reverse();
    return `${bytes.join('.')}:${p}`;
  }
  // IPv6: four little-endian 32-bit words; only loopback and v4-mapped matter here.
  if (ip === '00000000000000000000000001000000') return `[::1]:${p}`;
  if (ip.startsWith('0000000000000000FFFF0000')) return `${hexAddress(`${ip.slice(24)}:${port}`).split(':')[0]}:${p}`;
  return `[${ip}]:${p}`;
}

/** TCP sockets the process holds open (its file descriptors), with their addresses and state. */
export function tcpConnections(pid: number): TcpConnection[] {
  const inodes = new Set<number>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(Number(m[1]));
    } catch {
      // closed meanwhile
    }
  }
  const out: TcpConnection[] = [];
  for (const table of ['tcp', 'tcp6']) {
    let text = '';
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const inode = Number(f[9]);
      if (!inodes.has(inode)) continue;
      out.push({ local: hexAddress(f[1]!), remote: hexAddress(f[2]!), state: TCP_STATES[f[3]!] ?? f[3]!, inode });
    }
  }
  return out;
}

/** Established connections from the process to `127.0.0.1:port` (e.g. the apiserver). */
export function connectionsTo(pid: number, port: number): TcpConnection[] {
  return tcpConnections(pid).filter((c) => c.state === 'ESTABLISHED' && c.remote === `127.0.0.1:${port}`);
}
