// The extension's own choice of context and namespace, remembered per workspace. Deliberately not
// written to the kubeconfig: changing it must not move other tools (or terminals) to another cluster.
import * as vscode from 'vscode';
import { isProductionContext } from '../kube/config/productionContexts';
import type { BrowseState } from '../kube/tree/browseModel';

const KEY_CONTEXT = 'kubeAtlas.selectedContext';
const KEY_NAMESPACES = 'kubeAtlas.selectedNamespaces';
const KEY_FILTERS = 'kubeAtlas.namespaceFilters';

export class ExtensionState implements BrowseState {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly memento: vscode.Memento,
    private productionPatterns: readonly string[] = [],
  ) {}

  isProduction(context: string): boolean {
    return isProductionContext(context, this.productionPatterns);
  }

  /** The kubeAtlas.productionContexts setting changed. */
  setProductionPatterns(patterns: readonly string[]): void {
    this.productionPatterns = patterns;
    this.changed.fire();
  }

  selectedContext(): string | undefined {
    return this.memento.get<string>(KEY_CONTEXT);
  }

  selectedNamespace(context: string): string | undefined {
    return this.memento.get<Record<string, string>>(KEY_NAMESPACES, {})[context];
  }

  namespaceFilter(context: string): string | undefined {
    return this.memento.get<Record<string, string>>(KEY_FILTERS, {})[context] || undefined;
  }

  async setContext(name: string): Promise<void> {
    await this.memento.update(KEY_CONTEXT, name);
    this.changed.fire();
  }

  async setNamespace(context: string, ns: string): Promise<void> {
    await this.memento.update(KEY_NAMESPACES, { ...this.memento.get<Record<string, string>>(KEY_NAMESPACES, {}), [context]: ns });
    this.changed.fire();
  }

  async setNamespaceFilter(context: string, filter: string): Promise<void> {
    const all = { ...this.memento.get<Record<string, string>>(KEY_FILTERS, {}) };
    if (filter) all[context] = filter;
    else delete all[context];
    await this.memento.update(KEY_FILTERS, all);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
