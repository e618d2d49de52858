// The stack graph: dependency order, implied template edges, unknown names and cycles, dependents of a resource.
import { describe, expect, it } from 'vitest';
import { buildGraph, dependentsOf, type GraphNode } from '../../src/stacks/graph.js';

const node = (kind: string, depends_on: string[] = [], extra: Partial<GraphNode> = {}): GraphNode => ({ kind, depends_on, ...extra });

describe('buildGraph', () => {
  it('orders dependencies first, ties in file order; a clone needs its template resource (by resource or template name)', () => {
    const g = buildGraph({
      web: node('clone', ['db'], { template: 'base' }),
      db: node('clone', [], { template: 'tpl-base' }),
      'tpl-base': node('template', [], { name: 'base' }),
      app: node('app'),
    });
    if (!('graph' in g)) throw new Error('expected a graph');
    expect(g.graph.order).toEqual(['tpl-base', 'app', 'db', 'web']);
    expect(g.graph.deps.get('web')).toEqual(['db', 'tpl-base']);
    expect(g.graph.deps.get('db')).toEqual(['tpl-base']);
  });

  it('a clone of a template outside the stack has no implied edge', () => {
    const g = buildGraph({ a: node('clone', [], { template: 'built-earlier' }) });
    expect('graph' in g && g.graph.deps.get('a')).toEqual([]);
  });

  it('unknown and self dependencies are each a problem at their list item', () => {
    expect(buildGraph({ a: node('app', ['a', 'nope']) })).toEqual({
      problems: [
        { path: ['resources', 'a', 'depends_on', 0], message: 'a depends on itself' },
        { path: ['resources', 'a', 'depends_on', 1], message: 'a depends on "nope", which is not a resource of this stack' },
      ],
    });
  });

  it('a cycle is reported once with its members; resources behind it are not blamed', () => {
    const g = buildGraph({ x: node('app', ['a']), a: node('app', ['b']), b: node('app', ['c']), c: node('app', ['a']) });
    expect(g).toEqual({ problems: [{ path: ['resources', 'a', 'depends_on'], message: 'dependency cycle: a → b → c → a' }] });
  });

  it('dependentsOf follows edges transitively, in graph order', () => {
    const g = buildGraph({ a: node('app'), b: node('app', ['a']), c: node('app', ['b']), d: node('app') });
    if (!('graph' in g)) throw new Error('expected a graph');
    expect(dependentsOf(g.graph, 'a')).toEqual(['b', 'c']);
    expect(dependentsOf(g.graph, 'd')).toEqual([]);
  });
});
