/**
 * Errors a service throws when a request cannot be served as asked. The API maps each kind to its
 * status and envelope in one place (`api/app.ts`), so no route catches them.
 */
export abstract class ServiceError extends Error {
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request names something that does not exist (404). */
export class NotFoundError extends ServiceError {}
/** The request is well-formed but its values are not acceptable (400). */
export class InvalidRequestError extends ServiceError {}
/** The request conflicts with a job that is running, or with the state of a record (409). */
export class ConflictError extends ServiceError {}
/** The external source answered with an error (502). */
export class UpstreamError extends ServiceError {}
/** A dependency (Temporal, the database, the source) cannot be reached now (503). */
export class UnavailableError extends ServiceError {}
