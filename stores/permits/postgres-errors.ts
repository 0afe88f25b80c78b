/** A unique constraint refused the write (PostgreSQL 23505). */
export const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

/** A foreign key refused the write: the row it names does not exist (PostgreSQL 23503). */
export const isForeignKeyViolation = (error: unknown) => (error as { code?: string }).code === '23503';
