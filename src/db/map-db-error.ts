// One place that turns "a database said no" into a typed error, whatever the path the statement
// took. Measured on Prisma 7.10 (adapter-pg on Postgres 16 and pglite-prisma-adapter alike):
//   - model write, unique:      PrismaClientKnownRequestError P2002
//   - model write, exclusion:   PrismaClientKnownRequestError P2039 ("Database error")
//   - model write, 40001/40P01: PrismaClientKnownRequestError P2034
//   - $executeRaw/$queryRaw:    PrismaClientKnownRequestError P2010 for EVERY database error,
//                               unique violations included (so P2002 alone misses raw inserts)
//   - failure at COMMIT (e.g. Serializable read/write skew): a bare DriverAdapterError, not wrapped
//   - raw `pg` / PGlite:        the driver's error, SQLSTATE in `e.code`
// The SQLSTATE rides along as `meta.driverAdapterError.cause.originalCode` (Prisma) or
// `cause.originalCode` (DriverAdapterError), so we branch on that first and on Prisma codes only as
// a fallback. Never on `meta.target`: it is absent in v7 and the meta shape differs per adapter.

export abstract class DbError extends Error {
  abstract readonly sqlState: string;
  /** constraint name when the database reported one (best effort, for logs and disambiguation) */
  readonly constraint: string | undefined;
  constructor(message: string, cause: unknown, constraint?: string) {
    super(message, { cause });
    this.name = new.target.name;
    this.constraint = constraint;
  }
}

export class UniqueViolation extends DbError {
  readonly sqlState = "23505";
}
export class ExclusionViolation extends DbError {
  readonly sqlState = "23P01";
}
export class SerializationFailure extends DbError {
  readonly sqlState = "40001";
}
export class DeadlockDetected extends DbError {
  readonly sqlState = "40P01";
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

// Prisma's own codes (P1xxx–P6xxx) vs SQLSTATEs: PL/pgSQL's P0001… are real SQLSTATEs.
const PRISMA_CODE = /^P[1-9]\d{3}$/;
const SQLSTATE = /^[0-9A-Z]{5}$/;

interface Facts {
  sqlState?: string | undefined;
  prismaCode?: string | undefined;
  kind?: string | undefined;
  message?: string | undefined;
  constraint?: string | undefined;
}

function facts(e: unknown): Facts | undefined {
  if (!isObj(e)) return undefined;
  const code = str(e.code);
  // PrismaClientKnownRequestError: the adapter's error sits in meta.driverAdapterError
  if (code && PRISMA_CODE.test(code)) {
    const dae = isObj(e.meta) ? e.meta.driverAdapterError : undefined;
    const c = adapterCause(dae);
    return { ...c, prismaCode: code, message: c.message ?? str(e.message) };
  }
  // a DriverAdapterError that escaped unwrapped (commit-time failures)
  if (e.name === "DriverAdapterError") return adapterCause(e);
  // pg's DatabaseError, PGlite's DatabaseError
  if (code && SQLSTATE.test(code)) return { sqlState: code, message: str(e.message), constraint: str(e.constraint) };
  return undefined;
}

function adapterCause(dae: unknown): Facts {
  const c = isObj(dae) && isObj(dae.cause) ? dae.cause : undefined;
  if (!c) return {};
  const index = isObj(c.constraint) ? str(c.constraint.index) : undefined;
  return { sqlState: str(c.originalCode) ?? str(c.code), kind: str(c.kind), message: str(c.originalMessage) ?? str(c.message), constraint: index };
}

const constraintFromMessage = (m: string | undefined) => (m ? /constraint "([^"]+)"/.exec(m)?.[1] : undefined);

/** The typed error for `e`, or undefined when it is not one we classify (rethrow it as is). */
export function mapDbError(e: unknown): DbError | undefined {
  if (e instanceof DbError) return e;
  const f = facts(e);
  if (!f) return undefined;
  const msg = f.message?.trim().split("\n").pop() ?? "database error";
  const constraint = f.constraint ?? constraintFromMessage(f.message);
  switch (f.sqlState) {
    case "23505":
      return new UniqueViolation(msg, e, constraint);
    case "23P01":
      return new ExclusionViolation(msg, e, constraint);
    case "40001":
      return new SerializationFailure(msg, e);
    case "40P01":
      return new DeadlockDetected(msg, e);
  }
  if (f.sqlState) return undefined; // some other SQLSTATE: not ours, whatever the Prisma code says
  // no SQLSTATE reachable: fall back to Prisma's codes / the adapter's kind
  if (f.prismaCode === "P2002" || f.kind === "UniqueConstraintViolation") return new UniqueViolation(msg, e, constraint);
  if (f.prismaCode === "P2034" || f.kind === "TransactionWriteConflict") return new SerializationFailure(msg, e);
  return undefined;
}

export const isUniqueViolation = (e: unknown): boolean => mapDbError(e) instanceof UniqueViolation;
export const isExclusionViolation = (e: unknown): boolean => mapDbError(e) instanceof ExclusionViolation;
/** Worth re-running the whole transaction: serialization failure or deadlock (never a constraint). */
export function isRetryableTxError(e: unknown): boolean {
  const m = mapDbError(e);
  return m instanceof SerializationFailure || m instanceof DeadlockDetected;
}
