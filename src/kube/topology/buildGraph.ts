// The topology graph as a pure function of the watch cache: Service → EndpointSlice (the
// service-name label) → Pod (each endpoint's targetRef, with its conditions and the slice's ports)
// → Node (spec.nodeName). Problems are found on the way and said in words. Lookups go through
// indexes, never a scan of pods. This is the whole build; a live graph keeps a TopologyModel and
// applies each change batch to it instead (graphModel.ts: the same result, for a fraction of the
// work), and the diff (graphDiff.ts) keeps what reaches the webview small.
import type { TopoGraph, TopoScope } from './graphTypes';
import { TopologyModel } from './graphModel';
import type { BuildOptions, TopologyInput } from './sources';

export type { BuildOptions, TopologyInput } from './sources';

/** Builds the graph of `scope` from the layers in `input` (any of them may be missing). */
export function buildGraph(input: TopologyInput, scope: TopoScope = {}, opts: BuildOptions = {}): TopoGraph {
  return new TopologyModel(input, scope, opts).graph();
}
