/** Workflow and schedule ids of the permit pipeline: business ids, so duplicates are found or refused. */
export const permitPullWorkflowId = (countyId: number) => `accela-pull:county-${countyId}`;
export const permitYearWorkflowId = (countyId: number, jobId: number, year: number) => `accela-pull:county-${countyId}:job-${jobId}:year-${year}`;
export const incrementalScheduleId = (countyId: number) => `accela-incremental:county-${countyId}`;
/** Schedule runs get the scheduled time appended by Temporal. */
export const incrementalPullWorkflowId = (countyId: number) => `accela-incremental:county-${countyId}:run`;
/** What a page activity tells its pull when it must wait long for a rate limit (sent from the activity). */
export const PERMIT_PULL_WAITING_SIGNAL = 'permitPullWaiting';
export interface PullWaiting {
  /** What is waited for, in words: `the Accela rate-limit window`. */
  reason: string;
  /** Epoch ms the wait ends. */
  untilMs: number;
}
/** The name of every permit pull's progress query, here so services can ask it without workflow code. */
export const PERMIT_PULL_PROGRESS_QUERY = 'permitPullProgress';
