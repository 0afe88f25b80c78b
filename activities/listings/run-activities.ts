import type { ActivityDependencies } from '../dependencies';

export type ScrapeRunStatus = 'succeeded' | 'failed' | 'cancelled';

/** Book-keeping of model scrapes in `scrape_runs` (HTTP queue: PostgreSQL only). */
export function createScrapeRunActivities({ db }: Pick<ActivityDependencies, 'db'>) {
  return {
    /** Opens the run's row; a retried start (same workflow id, still running) returns the same row. */
    async startScrapeRun(input: { make: string; model: string; workflowId: string; maxResults: number | null }): Promise<number> {
      const existing = await db.query<{ id: number }>(
        `SELECT id FROM scrape_runs WHERE workflow_id = $1 AND status = 'running' ORDER BY id DESC LIMIT 1`,
        [input.workflowId],
      );
      if (existing.rows[0]) return existing.rows[0].id;
      const { rows } = await db.query<{ id: number }>(
        `INSERT INTO scrape_runs (make, model, workflow_id, max_results) VALUES ($1, $2, $3, $4) RETURNING id`,
        [input.make, input.model, input.workflowId, input.maxResults],
      );
      return rows[0]!.id;
    },

    async finishScrapeRun(input: { runId: number; status: ScrapeRunStatus; stopReason?: string | null; error?: string | null }): Promise<void> {
      await db.query(
        `UPDATE scrape_runs SET status = $2, stop_reason = COALESCE($3, stop_reason), finished_at = now(),
                errors = CASE WHEN $4::text IS NULL THEN errors ELSE array_append(errors, $4::text) END
          WHERE id = $1`,
        [input.runId, input.status, input.stopReason ?? null, input.error ?? null],
      );
    },
  };
}

export type ScrapeRunActivities = ReturnType<typeof createScrapeRunActivities>;
