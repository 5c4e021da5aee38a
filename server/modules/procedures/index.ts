export { proceduresStore, type ProceduresStore } from './procedures.store';
export { createProcedureService, normalizeDraft, type ProcedureService, type IncidentContext, type ServiceLookup } from './procedures.service';
export { procedureRoutes } from './procedures.routes';
export {
  Procedure, ProcedureSummary, Step, Variable, CommandSpec, HttpSpec, WaitSpec, SecretRef,
  STEP_KINDS, INTERPRETERS, HTTP_METHODS, WAIT_CONDITIONS, RESERVED_ENV_PREFIX,
  type ProcedureDraft, type ProcedureSnapshot, type StepKind, type Interpreter, type HttpMethod, type WaitCondition,
} from './procedures.schemas';
