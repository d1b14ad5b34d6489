// A local process in a pty behind a VS Code Pseudoterminal (VS Code's own node-pty,
// kube/exec/nodePtyLoader.ts): keystrokes and resizes go to the pty, output comes back as it is,
// and when the process ends the terminal stays open with its exit code until a key is pressed, so
// a short command's output is not lost (a `shellPath` terminal closes as its process exits with 0,
// taking the output with it). Used for "kubectl mode" pod shells (`kubeAtlas.exec.mode:
// "kubectl"`, the user's own `kubectl exec -it`), for kubectl plugins and for the user's helm
// (rollback, upgrade, uninstall). Argument arrays only; the command line is shown first (secrets
// redacted); the caller pins the context and passes KUBECONFIG = the files the tree reads, so the
// process stays on the context it was started for. Without the program or node-pty it says so.
import { delimiter } from 'node:path';
import type { IPty } from 'node-pty';
import * as vscode from 'vscode';
import { loadNodePty } from '../../kube/exec/nodePtyLoader';
import { findOnPath } from '../../kube/plugins/pluginDiscovery';
import { redactArgs } from '../../kube/util/redact';
import type { ShellTarget } from './execTerminal';

const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/** bash where the image has it, else sh (one exec, so the probe costs no second round trip). */
const PROBE = ['sh', '-c', 'command -v bash >/dev/null 2>&1 && exec bash || exec sh'];

export function kubectlExecArgs(t: ShellTarget, shell: readonly string[]): string[] {
  return ['exec', '-it', '--context', t.context, '-n', t.namespace, t.pod, ...(t.container ? ['-c', t.container] : []), '--', ...(shell.length ? shell : PROBE)];
}

export interface PtyProcess {
  /** The executable, looked up when the terminal opens; undefined → `missing` is shown. */
  program: () => Promise<string | undefined> | string | undefined;
  args: readonly string[];
  /** Names it in the last line: "<what> exited with code 3." */
  what: string;
  /** The first line: the command as run, secrets redacted. */
  shown: string;
  /** Why it cannot run when `program` finds nothing, and what to do. */
  missing: string;
  /** Added to the node-pty failure message (an alternative that needs no pty). */
  noPtyHint?: string;
  /** Variables over the extension host's environment (KUBECONFIG). */
  env: () => Record<string, string>;
  /** Once, when the process has ended (its exit code), could not start, or the terminal closed first (undefined). */
  onDone?: (exitCode: number | undefined) => void;
}

export class PtyProcessTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | undefined>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private proc: IPty | undefined;
  private finished = false;
  private closed = false;
  private done = false;

  constructor(private readonly spec: PtyProcess) {}

  open(initial: vscode.TerminalDimensions | undefined): void {
    void this.start(initial);
  }

  private end(exitCode: number | undefined): void {
    if (this.done) return;
    this.done = true;
    this.spec.onDone?.(exitCode);
  }

  private fail(message: string): void {
    this.finished = true;
    this.end(undefined);
    this.writeEmitter.fire(`${RED}✖ ${message}${RESET}\r\n\r\n${DIM}Press any key to close this terminal.${RESET}\r\n`);
  }

  private async start(size: vscode.TerminalDimensions | undefined): Promise<void> {
    const program = await this.spec.program();
    if (this.closed) return this.end(undefined);
    if (!program) return this.fail(this.spec.missing);
    const load = loadNodePty(vscode.env.appRoot);
    if ('error' in load) return this.fail(`${load.error}.${this.spec.noPtyHint ? ` ${this.spec.noPtyHint}` : ''}`);
    this.writeEmitter.fire(`${DIM}${this.spec.shown}${RESET}\r\n`);
    try {
      const proc = load.pty.spawn(program, [...this.spec.args], {
        name: 'xterm-256color',
        cols: size?.columns ?? 80,
        rows: size?.rows ?? 24,
        env: { ...process.env, ...this.spec.env() } as Record<string, string>,
      });
      this.proc = proc;
      proc.onData((d) => this.writeEmitter.fire(d));
      proc.onExit(({ exitCode }) => {
        this.proc = undefined;
        this.finished = true;
        this.end(exitCode);
        if (this.closed) return;
        this.writeEmitter.fire(`\r\n${exitCode === 0 ? DIM : YELLOW}${this.spec.what} exited with code ${exitCode}.${RESET}\r\n${DIM}Press any key to close this terminal.${RESET}\r\n`);
      });
    } catch (e) {
      this.fail(`${this.spec.what} could not start in a pty: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  handleInput(data: string): void {
    if (this.finished) {
      this.closeEmitter.fire(undefined);
      return;
    }
    this.proc?.write(data);
  }

  setDimensions(d: vscode.TerminalDimensions): void {
    this.proc?.resize(d.columns, d.rows);
  }

  close(): void {
    this.closed = true;
    // A process still running is killed with its terminal; its exit then reports to onDone.
    if (!this.proc) this.end(undefined);
    this.proc?.kill();
    this.proc = undefined;
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }
}

/** The user's own kubectl in a pty (`what` names it in the last line: "kubectl exec exited with code 3."). */
export class KubectlPtyTerminal extends PtyProcessTerminal {
  constructor(args: readonly string[], what: string, kubeconfigPaths: () => string[]) {
    super({
      program: () => findOnPath('kubectl', process.env.PATH),
      args,
      what,
      shown: `kubectl ${redactArgs(args).join(' ')}`,
      missing: `kubectl is not on PATH, and ${what} runs your own kubectl. Install it (on the PATH VS Code sees)${what === 'kubectl exec' ? ', or set "kubeAtlas.exec.mode" to "api"' : ''}.`,
      noPtyHint: what === 'kubectl exec' ? 'Set "kubeAtlas.exec.mode" to "api" to use the built-in exec.' : undefined,
      env: () => ({ KUBECONFIG: kubeconfigPaths().join(delimiter) }),
    });
  }
}
