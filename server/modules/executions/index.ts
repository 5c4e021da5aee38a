export { executionsStore, type ExecutionsStore } from './executions.store';
export {
  createExecutionService, type ExecutionService, type ExecutionIncidents, type ProcedureSnapshots, type SecretLookup,
} from './executions.service';
export { executionRoutes } from './executions.routes';
export { Execution, ExecutionSummary, ExecutionStep, EXECUTION_STATUSES, STEP_STATUSES, type OutputEvent } from './executions.schemas';
