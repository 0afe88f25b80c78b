/** What a navigation showed, enough to tell a bot challenge from a results page. */
export interface PageSignals {
  status: number | null;
  headers: Record<string, string>;
  title: string;
  /** Whether the page holds a Cloudflare Turnstile iframe or the challenge-platform script. */
  hasTurnstile: boolean;
}

/** The reason the page is a Cloudflare bot challenge, or null when it is not one. */
export function detectBotChallenge(signals: PageSignals): string | null {
  const mitigated = Object.entries(signals.headers).find(([name]) => name.toLowerCase() === 'cf-mitigated')?.[1];
  if (mitigated?.toLowerCase() === 'challenge') return `cf-mitigated: challenge header (HTTP ${signals.status ?? '?'})`;
  if (/^\s*just a moment/i.test(signals.title)) return `"${signals.title.trim()}" challenge page (HTTP ${signals.status ?? '?'})`;
  if (signals.hasTurnstile) return `Cloudflare Turnstile challenge (HTTP ${signals.status ?? '?'})`;
  return null;
}

/** Selector of the Turnstile iframe (the one Crawlee's blocked-page check uses) or the challenge-platform script. */
export const TURNSTILE_SELECTOR =
  '#turnstile-wrapper iframe[src^="https://challenges.cloudflare.com"], iframe[src*="challenges.cloudflare.com"], script[src*="/cdn-cgi/challenge-platform/"]';
