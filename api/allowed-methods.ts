import { TrieRouter } from 'hono/router/trie-router';

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'];

/**
 * The methods each path answers, from an app's registered routes (middleware, registered for every
 * method as `ALL`, aside): what a 405's `Allow` header lists. HEAD comes with GET (Hono answers it
 * from the GET handler) and OPTIONS with any method (the CORS middleware answers it on every path).
 */
export function allowedMethodsOf(routes: readonly { method: string; path: string }[]): (path: string) => string[] {
  const router = new TrieRouter<string>();
  for (const route of routes) if (route.method !== 'ALL') router.add('ALL', route.path, route.method);
  return (path) => {
    const methods = new Set(router.match('GET', path)[0].map(([method]) => method));
    if (methods.size === 0) return [];
    if (methods.has('GET')) methods.add('HEAD');
    methods.add('OPTIONS');
    return [...methods].sort((a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b));
  };
}
