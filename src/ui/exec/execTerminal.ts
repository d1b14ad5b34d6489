// A pod shell as a VS Code Pseudoterminal: keystrokes go raw to a TTY in the container (Ctrl-C,
// Ctrl-D and arrows are the remote shell's business), output comes back as text (UTF-8 split
// across frames already reassembled), the size follows the panel. The terminal is pinned to the
// context it was opened for: it keeps that name and transport whatever the user selects later.
// Whatever ends the session (the shell exits, the pod is deleted, the connection drops, the
// context is reset, the user closes the terminal) closes the socket and says so in one line.
import * as vscode from 'vscode';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import { type ExecEnd, ExecSession } from '../../kube/exec/execSession';
import { type PodEnd, watchPodLifetime } from '../../kube/exec/podLifetime';
import { DEFAULT_SHELLS, describeEnd, openShell } from '../../kube/exec/shellProbe';
import { channelsOf } from '../../kube/transport/channel/channelSocket';
import { KubeApiError } from '../../kube/transport/types';
import type { Disposable } from '../../kube/watch/sharedWatch';

export interface ShellTarget {
  context: string;
  namespace: string;
  pod: string;
  container?: string;
  podUid?: string;
  /** Attach to the container's own process (a debug container's shell) instead of starting a shell in it. */
  attach?: boolean;
}

const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

export function terminalName(t: ShellTarget): string {
  return `${t.context}/${t.namespace}/${t.pod}${t.container ? `/${t.container}` : ''}`;
}

/** `"/bin/zsh -l"` → ['/bin/zsh', '-l']; empty → probe bash, then sh. */
export function shellCandidates(setting: string): readonly (readonly string[])[] {
  const words = setting.trim().split(/\s+/).filter(Boolean);
  return words.length ? [words] : DEFAULT_SHELLS;
}

export class PodShellTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | undefined>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private session: ExecSession | undefined;
  private lifetime: Disposable | undefined;
  private size: { columns: number; rows: number } | undefined;
  private readonly pending: string[] = [];
  private finished = false;
  private closedByUser = false;
  private readonly abort = new AbortController();
  /** Why we closed the socket ourselves (pod deleted, context reset), for the last line. */
  private endReason: string | undefined;

  constructor(
    private readonly clusters: ClusterManager,
    readonly target: ShellTarget,
    private readonly shellSetting: string,
  ) {}

  open(initial: vscode.TerminalDimensions | undefined): void {
    if (initial) this.size = { columns: initial.columns, rows: initial.rows };
    void this.start();
  }

  private async start(): Promise<void> {
    const t = this.target;
    this.writeEmitter.fire(`${DIM}Connecting to ${terminalName(t)}…${RESET}\r\n`);
    try {
      const session = this.clusters.session(t.context);
      if (!session) throw new KubeApiError(`Context "${t.context}" is no longer in the kubeconfig`, { kind: 'credentials', hint: 'Pick another context.' });
      const output = (_stream: string, text: string) => this.writeEmitter.fire(text);
      const where = { namespace: t.namespace, pod: t.pod, container: t.container, size: this.size, signal: this.abort.signal };
      const shell = t.attach
        ? { session: await ExecSession.open(channelsOf(session.transport), { ...where, command: [], attach: true, tty: true, stdin: true }, output) }
        : await openShell(channelsOf(session.transport), { ...where, candidates: shellCandidates(this.shellSetting) }, output);
      if (this.closedByUser) {
        shell.session.close();
        return;
      }
      this.session = shell.session;
      this.lifetime = watchPodLifetime(this.clusters, { context: t.context, namespace: t.namespace, name: t.pod, uid: t.podUid }, (why) => this.podEnded(why));
      if (this.size) shell.session.resize(this.size.columns, this.size.rows);
      for (const p of this.pending.splice(0)) shell.session.write(p);
      this.finish(await shell.session.ended);
    } catch (e) {
      if (this.closedByUser) return;
      const message = e instanceof Error ? e.message : String(e);
      const hint = e instanceof KubeApiError && e.hint ? `\r\n${e.hint}` : '';
      this.finished = true;
      this.writeEmitter.fire(`${RED}✖ ${message}${RESET}${hint}\r\n\r\n${DIM}Press any key to close this terminal.${RESET}\r\n`);
    }
  }

  private podEnded(why: PodEnd): void {
    this.endReason =
      why === 'context-reset'
        ? `The context "${this.target.context}" was reset (credentials changed or reconnected): the session is closed.`
        : why === 'replaced'
          ? `Pod ${this.target.namespace}/${this.target.pod} was replaced by a new pod of the same name: the session is closed.`
          : `Pod ${this.target.namespace}/${this.target.pod} was deleted: the session is closed.`;
    this.session?.close();
  }

  private finish(end: ExecEnd): void {
    this.lifetime?.dispose();
    this.finished = true;
    if (this.closedByUser) return;
    let line: string;
    if (this.endReason) line = `${YELLOW}${this.endReason}${RESET}`;
    else if (end.kind === 'exit') line = `${end.code === 0 ? DIM : YELLOW}${this.target.attach ? "The container's process" : 'The shell'} exited with code ${end.code}.${RESET}`;
    else if (end.kind === 'failure') line = `${RED}✖ The session failed: ${end.message}${RESET}`;
    else line = `${RED}✖ The connection to the cluster was lost (${describeEnd(end)}).${RESET}`;
    this.writeEmitter.fire(`\r\n${line}\r\n${DIM}Press any key to close this terminal.${RESET}\r\n`);
  }

  handleInput(data: string): void {
    if (this.finished) {
      this.closeEmitter.fire(undefined);
      return;
    }
    if (this.session) this.session.write(data);
    else this.pending.push(data);
  }

  setDimensions(d: vscode.TerminalDimensions): void {
    this.size = { columns: d.columns, rows: d.rows };
    this.session?.resize(d.columns, d.rows);
  }

  /** The terminal was closed (by the user or by us): nothing may stay open. */
  close(): void {
    this.closedByUser = true;
    this.abort.abort();
    this.lifetime?.dispose();
    this.session?.close();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }
}
