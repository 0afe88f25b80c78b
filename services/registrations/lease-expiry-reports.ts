import { WorkflowFailedError } from '@temporalio/client';
import { InvalidRequestError, UnavailableError, UpstreamError } from '../../domain/errors';
import { resolveVoivodeship } from '../../domain/registrations/voivodeships';
import { leaseExpiryWindow } from '../../domain/registrations/windows';
import { deleteReports, type LeaseExpiryReport, latestReport, type ReportKey, reportById } from '../../stores/registrations/report-repository';
import type { RegistrationServiceDependencies } from './dependencies';
import { pullFailureMessage, startReportJob } from './report-jobs';
import type { ReportRequest } from './report-request';

export type { LeaseExpiryReport };

/** A report to serve, or the job to poll when the pull outlasts the wait. */
export type ReportOutcome =
  | { kind: 'report'; report: LeaseExpiryReport; stale: boolean; ageSeconds: number }
  | { kind: 'pending'; jobId: string };

type ServedReport = Extract<ReportOutcome, { kind: 'report' }>;

const ageInSeconds = (report: LeaseExpiryReport) => Math.max(0, Math.round((Date.now() - report.fetchedAt.getTime()) / 1000));
const served = (report: LeaseExpiryReport, stale: boolean): ServedReport => ({ kind: 'report', report, stale, ageSeconds: ageInSeconds(report) });

/**
 * Cache first (a report younger than the TTL never touches CEPiK), else one shared workflow run per
 * region, window and brands, awaited for a bounded time; when the pull fails the newest older report
 * is served marked stale. Throws UpstreamError when the pull failed and UnavailableError when
 * Temporal cannot be reached, each only when no older report can stand in.
 */
export async function leaseExpiryReport(deps: RegistrationServiceDependencies, request: ReportRequest): Promise<ReportOutcome> {
  const { db, settings } = deps;
  const key: ReportKey = { regionCode: request.region.code, monthsBack: request.monthsBack, windowMonths: request.windowMonths, brands: request.brands };
  if (!request.refresh) {
    const cached = await latestReport(db, key);
    if (cached && ageInSeconds(cached) < settings.CEPIK_REPORT_TTL_HOURS * 3600) return served(cached, false);
  }
  const staleOr = async (error: Error): Promise<ServedReport> => {
    const fallback = await latestReport(db, key);
    if (!fallback) throw error;
    return served(fallback, true);
  };

  const window = leaseExpiryWindow(new Date(), request.monthsBack, request.windowMonths);
  let handle;
  try {
    handle = await startReportJob(deps, request, window);
  } catch (error) {
    // Temporal itself is unreachable: the cached report is still better than nothing.
    return staleOr(new UnavailableError(`cannot start the pull: ${error instanceof Error ? error.message : String(error)}`));
  }
  const jobId = handle.workflowId;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), settings.CEPIK_REPORT_WAIT_SECONDS * 1000);
  });
  try {
    const result = await Promise.race([handle.result(), timedOut]);
    if (result === 'timeout') return { kind: 'pending', jobId };
    const report = await reportById(db, result.reportId);
    if (!report) throw new UpstreamError(`report ${result.reportId} was removed`, { job_id: jobId });
    return served(report, false);
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    return staleOr(new UpstreamError(pullFailureMessage(error), { job_id: jobId }));
  } finally {
    clearTimeout(timer);
  }
}

/** Removes cached reports (of one region, or all); the next request pulls again. Returns how many. */
export async function clearCachedReports({ db }: Pick<RegistrationServiceDependencies, 'db'>, region?: string): Promise<number> {
  const voivodeship = region === undefined ? undefined : resolveVoivodeship(region);
  if (region !== undefined && !voivodeship) throw new InvalidRequestError(`region: unknown voivodeship '${region}'`);
  return deleteReports(db, voivodeship?.code);
}
