// A local process in a pty behind a VS Code Pseudoterminal (VS Code's own node-pty,
// kube/exec/nodePtyLoader.ts): keystrokes and resizes go to the pty, output comes back as it is,
// and when the process ends the terminal stays open with its exit code until a key is pressed, so
// a short command's output is not lost. Used for "kubectl mode" pod shells (`kubeAtlas.exec.mode:
// "kubectl"`, the user's own `kubectl exec -it`) and for kubectl plugins. Argument arrays only;
// `--context` pinned and KUBECONFIG set to the files the tree reads, so the process stays on the
// context it was started for. Without kubectl or node-pty it says so.
import { delimiter } from 'node:path';
import type { IPty } from 'node-pty';
import * as vscode from 'vscode';
import { loadNodePty } from '../../kube/exec/nodePtyLoader';
import { findOnPath } from '../../kube/plugins/pluginDiscovery';
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

export class KubectlPtyTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | undefined>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private proc: IPty | undefined;
  private finished = false;
  private closed = false;

  /** Runs `kubectl <args>`; `what` names it in the last line ("kubectl exec exited with code 3."). */
  constructor(
    private readonly args: readonly string[],
    private readonly what: string,
    private readonly kubeconfigPaths: () => string[],
  ) {}

  open(initial: vscode.TerminalDimensions | undefined): void {
    void this.start(initial);
  }

  private fail(message: string): void {
    this.finished = true;
    this.writeEmitter.fire(`${RED}✖ ${message}${RESET}\r\n\r\n${DIM}Press any key to close this terminal.${RESET}\r\n`);
  }

  private async start(size: vscode.TerminalDimensions | undefined): Promise<void> {
    const kubectl = await findOnPath('kubectl', process.env.PATH);
    if (this.closed) return;
    if (!kubectl) return this.fail(`kubectl is not on PATH, and ${this.what} runs your own kubectl. Install it (on the PATH VS Code sees)${this.what === 'kubectl exec' ? ', or set "kubeAtlas.exec.mode" to "api"' : ''}.`);
    const load = loadNodePty(vscode.env.appRoot);
    if ('error' in load) return this.fail(`${load.error}.${this.what === 'kubectl exec' ? ' Set "kubeAtlas.exec.mode" to "api" to use the built-in exec.' : ''}`);
    this.writeEmitter.fire(`${DIM}kubectl ${this.args.join(' ')}${RESET}\r\n`);
    try {
      const proc = load.pty.spawn(kubectl, [...this.args], {
        name: 'xterm-256color',
        cols: size?.columns ?? 80,
        rows: size?.rows ?? 24,
        env: { ...process.env, KUBECONFIG: this.kubeconfigPaths().join(delimiter) } as Record<string, string>,
      });
      this.proc = proc;
      proc.onData((d) => this.writeEmitter.fire(d));
      proc.onExit(({ exitCode }) => {
        this.proc = undefined;
        this.finished = true;
        if (this.closed) return;
        this.writeEmitter.fire(`\r\n${exitCode === 0 ? DIM : YELLOW}${this.what} exited with code ${exitCode}.${RESET}\r\n${DIM}Press any key to close this terminal.${RESET}\r\n`);
      });
    } catch (e) {
      this.fail(`kubectl could not start in a pty: ${e instanceof Error ? e.message : String(e)}`);
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
    this.proc?.kill();
    this.proc = undefined;
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }
}
