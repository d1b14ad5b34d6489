// Lists longer than the page size are split into range rows ("a … b", "1–200 of 205"): VS Code
// renders every child it is given, so a 20,000-pod kind shows ranges that list their slice only
// when opened.
import type { BrowseNode } from './nodes';
import { chunk } from './structureNodes';
import type { TreeParts } from './treeParts';

/** Range rows under `parent` for `total` names (`nameAt(i)` gives the i-th, for the range's label). */
export function rangeNodes(m: TreeParts, parent: BrowseNode, total: number, nameAt: (i: number) => string, what?: string): BrowseNode[] {
  const out: BrowseNode[] = [];
  const size = m.pageSize();
  for (let start = 0, i = 0; start < total; start += size, i++) {
    const end = Math.min(total, start + size);
    out.push(m.keep(chunk(parent, i, start, end, nameAt(start), nameAt(end - 1), total, what), parent));
  }
  return out;
}
