import { finishScrapeRun, openScrapeRun, type ScrapeRunStatus } from '../../stores/listings/scrape-runs';
import type { ActivityDependencies } from '../dependencies';

export type { ScrapeRunStatus };

/** Book-keeping of model scrapes in `scrape_runs` (HTTP queue: PostgreSQL only). */
export function createScrapeRunActivities({ db }: Pick<ActivityDependencies, 'db'>) {
  return {
    /** Opens the run's row; a retried start (same workflow id, still running) returns the same row. */
    async startScrapeRun(input: { make: string; model: string; workflowId: string; maxResults: number | null }): Promise<number> {
      return openScrapeRun(db, input);
    },

    async finishScrapeRun(input: { runId: number; status: ScrapeRunStatus; stopReason?: string | null; error?: string | null }): Promise<void> {
      await finishScrapeRun(db, input);
    },
  };
}

export type ScrapeRunActivities = ReturnType<typeof createScrapeRunActivities>;
