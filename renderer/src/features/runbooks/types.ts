import type { paths } from '../../api/client';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

type ProcedureRoutes = paths['/api/v1/procedures/{id}'];
type ExecutionRoutes = paths['/api/v1/executions/{id}'];

export type Procedure = Json<ProcedureRoutes['get']['responses'][200]>;
export type Step = Procedure['steps'][number];
export type Variable = Procedure['variables'][number];
export type CommandSpec = NonNullable<Step['command']>;
export type HttpSpec = NonNullable<Step['http']>;
export type WaitSpec = NonNullable<Step['wait']>;
export type EnvValue = CommandSpec['env'][string];
export type ProcedureSummary = Json<paths['/api/v1/procedures']['get']['responses'][200]>['data'][number];
export type SuggestedProcedure = Json<paths['/api/v1/procedures/suggested']['get']['responses'][200]>['data'][number];
export type ProcedureVersion = Json<paths['/api/v1/procedures/{id}/versions']['get']['responses'][200]>['data'][number];
/** The writable fields, as POST /procedures takes them. */
export type ProcedureInput = Json<NonNullable<paths['/api/v1/procedures']['post']['requestBody']>>;
export type StepInput = NonNullable<ProcedureInput['steps']>[number];
export type ProcedurePatch = Json<NonNullable<ProcedureRoutes['patch']['requestBody']>>;

export type Execution = Json<ExecutionRoutes['get']['responses'][200]>;
export type ExecutionStep = Execution['steps'][number];
export type ExecutionSummary = Json<paths['/api/v1/executions']['get']['responses'][200]>['data'][number];
export type ExecutionProgress = Execution['progress'];
export type ExecutionPatch = Json<NonNullable<ExecutionRoutes['patch']['requestBody']>>;
export type StepAction = NonNullable<ExecutionPatch['steps']>[number]['action'];
export type ExecuteInput = Json<NonNullable<paths['/api/v1/procedures/{id}/execute']['post']['requestBody']>>;
export type ExecutionListQuery = NonNullable<paths['/api/v1/executions']['get']['parameters']['query']>;
