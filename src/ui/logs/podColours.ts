// A colour per pod in multi-pod log views: the `[pod/container]` prefix of each visible line is
// decorated with one of the terminal's ANSI colours (they follow the theme), picked by a hash of
// the pod name so a pod keeps its colour. Only the visible lines (plus a margin) are decorated,
// again on scroll, so a 20,000-line view costs no more than a screenful.
import * as vscode from 'vscode';

const COLOURS = ['terminal.ansiBlue', 'terminal.ansiMagenta', 'terminal.ansiGreen', 'terminal.ansiYellow', 'terminal.ansiCyan', 'terminal.ansiRed'];
const PREFIX = /^\[([^\]/]+)\/[^\]]*\]/;
const MARGIN = 100;

export function colourIndex(pod: string): number {
  let h = 0;
  for (let i = 0; i < pod.length; i++) h = (h * 31 + pod.charCodeAt(i)) >>> 0;
  return h % COLOURS.length;
}

export class PodColours implements vscode.Disposable {
  private readonly types = COLOURS.map((c) => vscode.window.createTextEditorDecorationType({ color: new vscode.ThemeColor(c) }));

  /** Decorates the prefixes `editor` shows now. */
  paint(editor: vscode.TextEditor): void {
    const doc = editor.document;
    const byColour: vscode.Range[][] = COLOURS.map(() => []);
    for (const r of editor.visibleRanges) {
      const from = Math.max(0, r.start.line - MARGIN);
      const to = Math.min(doc.lineCount - 1, r.end.line + MARGIN);
      for (let i = from; i <= to; i++) {
        const m = PREFIX.exec(doc.lineAt(i).text);
        if (m?.[1]) byColour[colourIndex(m[1])]?.push(new vscode.Range(i, 0, i, m[0].length));
      }
    }
    for (const [i, t] of this.types.entries()) editor.setDecorations(t, byColour[i] ?? []);
  }

  dispose(): void {
    for (const t of this.types) t.dispose();
  }
}
