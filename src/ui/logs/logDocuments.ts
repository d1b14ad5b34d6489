// Log views as read-only virtual documents (scheme `kubeatlas-logs`): the editor gives search,
// selection, scrolling and the built-in "log" colouring for free. Each document is backed by a
// LogBuffer that a LogSession fills; changes reach the editor at most every 250 ms (VS Code
// re-reads the whole text on each, so a chatty pod must not drive it per line), and an editor
// scrolled to the end stays at the end. Closing the tab, or "Stop Following", stops the session
// and releases its streams.
import * as vscode from 'vscode';
import { LogBuffer } from '../../kube/logs/logBuffer';
import type { LogSession } from '../../kube/logs/logSession';
import { Throttle } from '../../kube/util/throttle';
import { PodColours } from './podColours';

export const LOGS_SCHEME = 'kubeatlas-logs';
const UPDATE_MS = 250;

interface Entry {
  uri: vscode.Uri;
  buffer: LogBuffer;
  session?: LogSession;
  throttle: Throttle;
  lineCount: number;
  /** The session ended (stopped, failed, or the container finished): opening it again restarts it. */
  stopped: boolean;
}

export function logsUri(context: string, namespace: string, name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: LOGS_SCHEME, path: `/${[context, namespace, `${name}.log`].map((p) => p.replace(/\//g, '∕')).join('/')}` });
}

export class LogDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly entries = new Map<string, Entry>();
  private readonly colours = new PodColours();
  private readonly disposables: vscode.Disposable[] = [this.emitter, this.colours];

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidCloseTextDocument((doc) => this.closed(doc.uri)),
      // A closed tab is the user's "stop": VS Code may keep the document itself around for a while.
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const tab of e.closed) {
          const uri = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
          if (uri?.scheme === LOGS_SCHEME && !this.isShown(uri)) this.closed(uri);
        }
      }),
      vscode.workspace.onDidChangeTextDocument((e) => this.followEnd(e.document)),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => {
        if (e.textEditor.document.uri.scheme === LOGS_SCHEME) this.colours.paint(e.textEditor);
      }),
      vscode.window.onDidChangeVisibleTextEditors((eds) => {
        for (const ed of eds) if (ed.document.uri.scheme === LOGS_SCHEME) this.colours.paint(ed);
      }),
    );
  }

  /**
   * Shows the log view at `uri`: the running one if it is open, else a fresh buffer that `start`
   * fills. Resolves with the session, or undefined when `start` failed (its message is in the view).
   */
  async show(uri: vscode.Uri, maxLines: number, header: string, start: (buffer: LogBuffer) => Promise<LogSession>): Promise<LogSession | undefined> {
    const key = uri.toString();
    let entry = this.entries.get(key);
    if (entry?.session && !entry.stopped) {
      await this.reveal(uri);
      return entry.session;
    }
    entry?.session?.stop();
    const buffer = new LogBuffer({ maxLines });
    buffer.setHeader(header);
    const e: Entry = { uri, buffer, throttle: new Throttle(() => this.emitter.fire(uri), UPDATE_MS), lineCount: 0, stopped: false };
    entry = e;
    this.entries.set(key, e);
    buffer.onDidChange(() => e.throttle.schedule());
    await this.reveal(uri);
    try {
      e.session = await start(buffer);
      void e.session.done.then(() => {
        e.stopped = true;
      });
      return e.session;
    } catch (err) {
      buffer.append(`— ${err instanceof Error ? err.message : String(err)}`);
      e.stopped = true;
      return undefined;
    }
  }

  /** Stops the session of the view (the text stays until the tab is closed). */
  stop(uri: vscode.Uri): boolean {
    const e = this.entries.get(uri.toString());
    if (!e?.session) return false;
    e.session.stop();
    return true;
  }

  /** Sessions running now (for the in-host tests). */
  get running(): number {
    return [...this.entries.values()].filter((e) => e.session && !e.stopped).length;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.entries.get(uri.toString())?.buffer.text() ?? 'This log view has ended: open it again from the Kube Atlas tree.\n';
  }

  dispose(): void {
    for (const e of this.entries.values()) {
      e.session?.stop();
      e.throttle.cancel();
      e.buffer.dispose();
    }
    this.entries.clear();
    for (const d of this.disposables) d.dispose();
  }

  private async reveal(uri: vscode.Uri): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'log') await vscode.languages.setTextDocumentLanguage(doc, 'log').then(undefined, () => undefined);
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  private isShown(uri: vscode.Uri): boolean {
    const key = uri.toString();
    return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key));
  }

  private closed(uri: vscode.Uri): void {
    if (uri.scheme !== LOGS_SCHEME) return;
    const key = uri.toString();
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    e.session?.stop();
    e.throttle.cancel();
    e.buffer.dispose();
  }

  /** Keeps an editor that showed the last line showing it as lines arrive (tail -f). */
  private followEnd(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== LOGS_SCHEME) return;
    const e = this.entries.get(doc.uri.toString());
    if (!e) return;
    const before = e.lineCount;
    e.lineCount = doc.lineCount;
    const last = doc.lineCount - 1;
    for (const ed of vscode.window.visibleTextEditors) {
      if (ed.document !== doc) continue;
      const seen = ed.visibleRanges.at(-1)?.end.line ?? 0;
      if (before === 0 || seen >= before - 3) ed.revealRange(new vscode.Range(last, 0, last, 0), vscode.TextEditorRevealType.Default);
      this.colours.paint(ed);
    }
  }
}
