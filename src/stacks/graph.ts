// The dependency graph of a stack: declared depends_on plus implied edges (a clone needs its template resource); unknown names and cycles are errors naming the resource.
import type { SpecPath } from '../config/problems/path.js';

export interface GraphProblem {
  path: SpecPath;
  message: string;
}

export interface StackGraph {
  /** Resource → the resources it needs, declared and implied, sorted. */
  deps: ReadonlyMap<string, readonly string[]>;
  /** Every resource, dependencies before dependents (ties in file order). */
  order: readonly string[];
}

/** What the graph needs of a resource; read from the raw document too, so graph problems come with schema problems. */
export interface GraphNode {
  kind: string;
  depends_on: readonly string[];
  /** A clone's template (a resource name or a template name). */
  template?: string;
  /** A template's name, when it differs from the resource name. */
  name?: string;
}

/** Edges the file implies: a clone of a template resource of the same stack needs that resource. */
function impliedDeps(decl: GraphNode, names: ReadonlySet<string>, templates: ReadonlyMap<string, string>): string[] {
  if (decl.kind !== 'clone' || decl.template === undefined) return [];
  const byName = templates.get(decl.template);
  if (byName) return [byName];
  return names.has(decl.template) ? [decl.template] : [];
}

/** Build the graph, or every problem: unknown dependencies (with their line's path), self-dependencies and cycles. */
export function buildGraph(resources: Readonly<Record<string, GraphNode>>): { graph: StackGraph } | { problems: GraphProblem[] } {
  const names = new Set(Object.keys(resources));
  // A clone may name a template by its template name, not only by its resource name.
  const templates = new Map<string, string>();
  for (const [name, r] of Object.entries(resources)) if (r.kind === 'template') templates.set(r.name ?? name, name);
  const problems: GraphProblem[] = [];
  const deps = new Map<string, string[]>();
  for (const [name, r] of Object.entries(resources)) {
    r.depends_on.forEach((d, i) => {
      if (d === name) problems.push({ path: ['resources', name, 'depends_on', i], message: `${name} depends on itself` });
      else if (!names.has(d)) problems.push({ path: ['resources', name, 'depends_on', i], message: `${name} depends on "${d}", which is not a resource of this stack` });
    });
    deps.set(name, [...new Set([...r.depends_on.filter((d) => d !== name && names.has(d)), ...impliedDeps(r, names, templates)])].sort());
  }
  if (problems.length > 0) return { problems };

  // Kahn's algorithm; what is left over lies on or behind a cycle.
  const order: string[] = [];
  const done = new Set<string>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const name of names) {
      if (done.has(name) || !deps.get(name)!.every((d) => done.has(d))) continue;
      done.add(name);
      order.push(name);
      progress = true;
    }
  }
  if (order.length < names.size) {
    const cycle = findCycle([...names].filter((n) => !done.has(n)), deps);
    return { problems: [{ path: ['resources', cycle[0]!, 'depends_on'], message: `dependency cycle: ${cycle.join(' → ')}` }] };
  }
  return { graph: { deps, order } };
}

/** One cycle among `left` (each of which has a dependency also in `left`), as `a → b → a`. */
function findCycle(left: string[], deps: ReadonlyMap<string, readonly string[]>): string[] {
  const inLeft = new Set(left);
  const path: string[] = [];
  let at = left[0]!;
  while (!path.includes(at)) {
    path.push(at);
    at = deps.get(at)!.find((d) => inLeft.has(d))!;
  }
  return [...path.slice(path.indexOf(at)), at];
}

/** Every resource that depends on `name`, directly or through others. */
export function dependentsOf(graph: StackGraph, name: string): string[] {
  const out = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [n, ds] of graph.deps) {
      if (out.has(n)) continue;
      if (ds.some((d) => d === name || out.has(d))) {
        out.add(n);
        grew = true;
      }
    }
  }
  return graph.order.filter((n) => out.has(n));
}
