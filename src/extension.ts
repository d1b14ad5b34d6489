import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Kube Atlas', { log: true });
  context.subscriptions.push(output);
  output.info('Kube Atlas activated');
}

export function deactivate(): void {}
