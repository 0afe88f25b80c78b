import { TrieRouter } from 'hono/router/trie-router';

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'];

type Route = { method: string; path: string };

/** HEAD comes with GET (Hono answers it from the GET handler) and OPTIONS with any method (the CORS middleware answers it on every path). */
function withImpliedMethods(methods: Set<string>): string[] {
  if (methods.size === 0) return [];
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return [...methods].sort((a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b));
}

/**
 * The methods each path answers, from an app's registered routes (middleware, registered for every
 * method as `ALL`, aside): what a 405's `Allow` header lists.
 */
export function allowedMethodsOf(routes: readonly Route[]): (path: string) => string[] {
  const router = new TrieRouter<string>();
  for (const route of routes) if (route.method !== 'ALL') router.add('ALL', route.path, route.method);
  return (path) => withImpliedMethods(new Set(router.match('GET', path)[0].map(([method]) => method)));
}

/**
 * The methods of a path that is a route of its own, without parameters (`/api/counties/test-credentials`),
 * else none. Such a path names that resource, not an `{id}` of its parent: another method on it is 405,
 * not a route with an `{id}` answering that the id is malformed.
 */
export function fixedPathMethodsOf(routes: readonly Route[]): (path: string) => string[] {
  const byPath = new Map<string, Set<string>>();
  for (const route of routes) {
    if (route.method === 'ALL' || route.path.includes(':') || route.path.includes('*')) continue;
    byPath.set(route.path, (byPath.get(route.path) ?? new Set()).add(route.method));
  }
  return (path) => withImpliedMethods(new Set(byPath.get(path)));
}
