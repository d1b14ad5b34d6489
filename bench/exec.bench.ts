// Exec round trip: keystroke → echo in an interactive TTY session (`sh -i`) on a KWOK pod through
// the real apiserver, through our channel client (HttpTransport.openChannel → ExecSession, what
// the pod shell terminal drives) against `kubectl exec -it` on the same pod, same run. KWOK runs
// the command on this host behind a real pty, so the echo is the remote line discipline's: what
// is timed is the path client → apiserver → KWOK → pty and back.
//
// kubectl needs a terminal on its stdin (-t), so it runs under node-pty, the project's dev
// dependency (the copy test/cluster/streaming.test.ts uses; the same N-API package VS Code ships):
// we write keystrokes to the pty master and read kubectl's output there, with no shell or
// `script` line discipline in between. Its local pty adds a few µs each way; that is part of
// what a terminal user of kubectl gets anyway.
//
// Each round opens one session per client (order alternating by round), times start → first
// byte of the prompt, then types KEYS_PER_ROUND characters one at a time (each waits for its
// echo, then a short typing pause) and ends the shell with `exit`. Figures: keystroke → echo p50
// and p95 over all keystrokes, session open median. KUBE_ATLAS_BENCH_EXEC_ROUNDS sets the rounds
// (default 10 × 20 keystrokes = 200 per client).
import { join } from 'node:path';
import type { IPty } from 'node-pty';
import { ExecSession } from '../src/kube/exec/execSession';
import { channelsOf } from '../src/kube/transport/channel/channelSocket';
import { attachCluster, type Cluster } from '../test/cluster/cluster.harness';
import { createNamespace, deleteNamespace, deployWebApp } from '../test/cluster/harness/workloads';
import { type RealStack, realStack } from '../test/support/realStack';
import { median, note, pause, report, reportPercentiles, runBench } from './report';

const KEYS_PER_ROUND = 20;
const COLUMNS = 120;
const ROWS = 40;
const ECHO_TIMEOUT_MS = 10_000;
const COMMAND = ['sh', '-i'];

interface Round {
  openMs: number;
  echoMs: number[];
}

/** Output as it arrives, with a way to wait (bounded) for text to show up after a mark. */
class Screen {
  private text = '';
  private waiter: { want: string; resolve: (at: bigint) => void } | undefined;

  feed(data: string): void {
    const at = process.hrtime.bigint();
    this.text += data;
    if (this.waiter && this.text.includes(this.waiter.want)) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(at);
    }
  }

  /** Resolves with the hrtime at which `want` arrived, counting only output after this call. */
  next(want: string, what: string): Promise<bigint> {
    this.text = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`${what}: "${JSON.stringify(want)}" not seen within ${ECHO_TIMEOUT_MS} ms`));
      }, ECHO_TIMEOUT_MS);
      this.waiter = {
        want,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
    });
  }
}

/** One session: the prompt, then keystrokes one by one, each timed to its echo. */
async function typeRound(screen: Screen, send: (s: string) => void, started: bigint, firstByte: Promise<bigint>, what: string): Promise<Round> {
  const openMs = Number((await firstByte) - started) / 1e6;
  const echoMs: number[] = [];
  for (let i = 0; i < KEYS_PER_ROUND; i++) {
    const ch = String.fromCharCode(97 + (i % 26));
    const seen = screen.next(ch, `${what} echo`);
    const t = process.hrtime.bigint();
    send(ch);
    echoMs.push(Number((await seen) - t) / 1e6);
    await pause(10); // typing pace, not a wait for the cluster
  }
  return { openMs, echoMs };
}

async function ours(stack: RealStack, ns: string, pod: string): Promise<Round> {
  const screen = new Screen();
  const firstByte = screen.next('', 'our prompt');
  firstByte.catch(() => undefined); // awaited below; if open() throws, its timeout must not go unhandled
  const started = process.hrtime.bigint();
  const session = await ExecSession.open(
    channelsOf(stack.transport),
    { namespace: ns, pod, container: 'web', command: COMMAND, tty: true, stdin: true, size: { columns: COLUMNS, rows: ROWS } },
    (_stream, text) => screen.feed(text),
  );
  try {
    return await typeRound(screen, (s) => session.write(s), started, firstByte, 'ours');
  } finally {
    // Ctrl-U clears the typed line, then the shell exits: nothing left running on the host.
    session.write('\x15exit\r');
    const end = await Promise.race([session.ended, pause(ECHO_TIMEOUT_MS).then(() => undefined)]);
    if (end?.kind !== 'exit') {
      note(`our session did not exit by itself (${end ? end.kind : 'still open'}): closed`);
      session.close();
    }
  }
}

async function kubectl(pty: typeof import('node-pty'), c: Cluster, ns: string, pod: string): Promise<Round> {
  const screen = new Screen();
  const firstByte = screen.next('', 'kubectl prompt');
  firstByte.catch(() => undefined);
  const started = process.hrtime.bigint();
  const term: IPty = pty.spawn(join(c.binDir, 'kubectl'), [`--kubeconfig=${c.kubeconfig}`, 'exec', '-it', '-n', ns, pod, '-c', 'web', '--', ...COMMAND], {
    name: 'xterm-256color',
    cols: COLUMNS,
    rows: ROWS,
    env: process.env as Record<string, string>,
  });
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  term.onData((d) => screen.feed(d));
  try {
    return await typeRound(screen, (s) => term.write(s), started, firstByte, 'kubectl');
  } finally {
    term.write('\x15exit\r');
    const code = await Promise.race([exited, pause(ECHO_TIMEOUT_MS).then(() => undefined)]);
    if (code === undefined) {
      note('kubectl exec -it did not exit by itself: killed');
      term.kill();
    }
  }
}

async function main(): Promise<void> {
  const dir = process.env.KUBE_ATLAS_CLUSTER_DIR;
  if (!dir) throw new Error('run through bench/run.mjs (it starts or attaches a cluster)');
  const c = attachCluster(dir);
  const rounds = Number(process.env.KUBE_ATLAS_BENCH_EXEC_ROUNDS ?? 10);
  const ns = `bench-exec-${Date.now().toString(36)}`;
  const pty = await import('node-pty');
  await createNamespace(c.api, ns);
  const stack = await realStack(c.kubeconfig);
  try {
    const pod = (await deployWebApp(c.api, ns, 'web', 1))[0]?.metadata.name ?? '';
    note(`${rounds} rounds × ${KEYS_PER_ROUND} keystrokes per client, \`${COMMAND.join(' ')}\` with a TTY in ${ns}/${pod} (KWOK), ${COLUMNS}×${ROWS}`);
    const oursRounds: Round[] = [];
    const kubectlRounds: Round[] = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate which goes first, so neither always meets a warmer apiserver or KWOK.
      if (i % 2 === 0) {
        oursRounds.push(await ours(stack, ns, pod));
        kubectlRounds.push(await kubectl(pty, c, ns, pod));
      } else {
        kubectlRounds.push(await kubectl(pty, c, ns, pod));
        oursRounds.push(await ours(stack, ns, pod));
      }
    }
    const echo = (rs: Round[]) => rs.flatMap((r) => r.echoMs);
    const open = (rs: Round[]) => rs.map((r) => r.openMs);
    const range = (v: number[]) => `${Math.round(Math.min(...v))}–${Math.round(Math.max(...v))} ms`;
    note(`session open, ours: ${range(open(oursRounds))}; kubectl exec -it: ${range(open(kubectlRounds))} (kubectl's includes starting the process and reading the kubeconfig)`);
    reportPercentiles('exec keystroke → echo, TTY (our channel client)', echo(oursRounds), { name: 'kubectl exec -it', samples: echo(kubectlRounds) });
    report({
      name: 'exec session open, start → first prompt byte, median (our channel client)',
      value: median(open(oursRounds)),
      unit: 'ms',
      reference: { name: 'kubectl exec -it', value: median(open(kubectlRounds)) },
    });
  } finally {
    await stack.close();
    await deleteNamespace(c.api, ns).catch(() => undefined);
    c.closeClients();
  }
}

runBench(main);
