// The kubeconfig files the extension reads, reloaded whenever one of them changes. Watches the
// folders rather than the files: editors and `kubectl config` replace files by rename, which a
// file watch would miss. Read-only: the extension never writes a kubeconfig.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { loadKubeconfigs } from '../config/kubeconfigLoad';
import type { KubeconfigProblem, MergedKubeconfig } from '../config/types';
import { Emitter } from '../util/emitter';

export class KubeconfigSource {
  private watchers: FSWatcher[] = [];
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = new Emitter<MergedKubeconfig>();
  readonly onDidChange = this.changed.event;
  private current: MergedKubeconfig | undefined;
  private paths: string[] = [];
  private notices: KubeconfigProblem[] = [];
  private generation = 0;
  private newest: Promise<MergedKubeconfig> | undefined;

  constructor(private readonly debounceMs = 200) {}

  get merged(): MergedKubeconfig | undefined {
    return this.current;
  }

  /**
   * Load from these paths (in precedence order) and keep watching them. `notices` are shown
   * with the files' problems on every (re)load: what the caller left out on purpose and why.
   */
  async load(paths: readonly string[], notices: readonly KubeconfigProblem[] = []): Promise<MergedKubeconfig> {
    this.paths = [...paths];
    this.notices = [...notices];
    this.rewatch();
    return this.readNewest();
  }

  async reload(): Promise<MergedKubeconfig> {
    const gen = this.generation + 1;
    const merged = await this.readNewest();
    // A load or reload that started meanwhile reports its own result.
    if (gen === this.generation) this.changed.fire(merged);
    return merged;
  }

  /**
   * Reads the files; when reads overlap, every caller gets the newest one's result, so a slow
   * read of old paths finishing last never replaces a newer one.
   */
  private readNewest(): Promise<MergedKubeconfig> {
    const gen = ++this.generation;
    const reading: Promise<MergedKubeconfig> = this.read().then((merged) => {
      if (gen !== this.generation && this.newest) return this.newest;
      this.current = merged;
      return merged;
    });
    this.newest = reading;
    return reading;
  }

  private async read(): Promise<MergedKubeconfig> {
    const merged = await loadKubeconfigs(this.paths);
    merged.problems.unshift(...this.notices);
    return merged;
  }

  private rewatch(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    const dirs = new Map<string, Set<string>>();
    for (const p of this.paths) {
      const d = dirname(p);
      if (!dirs.has(d)) dirs.set(d, new Set());
      dirs.get(d)!.add(basename(p));
    }
    for (const [dir, names] of dirs) {
      try {
        const w = watch(dir, { persistent: false }, (_event, file) => {
          if (file && !names.has(file.toString())) return;
          this.scheduleReload();
        });
        w.on('error', () => undefined);
        this.watchers.push(w);
      } catch {
        // The folder does not exist (yet): nothing to watch; a settings change reloads anyway.
      }
    }
  }

  private scheduleReload(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.reload();
    }, this.debounceMs);
  }

  dispose(): void {
    if (this.debounce) clearTimeout(this.debounce);
    for (const w of this.watchers) w.close();
    this.watchers = [];
    this.changed.dispose();
  }
}
