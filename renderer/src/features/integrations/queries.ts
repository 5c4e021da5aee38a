import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type paths } from '../../api/client';
import { PAGE_SIZE, usePagedList } from '../../lib/paged-list';

export type Integration = paths['/api/v1/integrations']['get']['responses'][200]['content']['application/json']['data'][number];
export type NewIntegration = paths['/api/v1/integrations']['post']['requestBody']['content']['application/json'];
export type IntegrationWithSecret = paths['/api/v1/integrations']['post']['responses'][201]['content']['application/json'];
export type IntegrationPatch = NonNullable<paths['/api/v1/integrations/{id}']['patch']['requestBody']>['content']['application/json'];
export type Platform = Integration['platform'];
export type DeadLetter = paths['/api/v1/integrations/{id}/dead-letters']['get']['responses'][200]['content']['application/json']['data'][number];

export const PLATFORMS: readonly { value: Platform; label: string }[] = [
  { value: 'prometheus', label: 'Prometheus Alertmanager' },
  { value: 'grafana', label: 'Grafana' },
  { value: 'datadog', label: 'Datadog' },
  { value: 'pagerduty', label: 'PagerDuty' },
  { value: 'newrelic', label: 'New Relic' },
  { value: 'cloudwatch', label: 'Amazon CloudWatch (SNS)' },
  { value: 'signoz', label: 'SigNoz' },
  { value: 'elasticsearch', label: 'Elasticsearch (Watcher)' },
  { value: 'generic', label: 'Any JSON sender' },
];
export const platformLabel = (platform: string) => PLATFORMS.find((p) => p.value === platform)?.label ?? platform;
/** The platforms that sign their deliveries; with a signing secret set, unsigned ones are refused. */
export const SIGNING_PLATFORMS: readonly Platform[] = ['pagerduty', 'grafana'];

export const integrationKeys = {
  all: ['integrations'] as const,
  list: () => [...integrationKeys.all, 'list'] as const,
  deadLetters: (id: string) => [...integrationKeys.all, 'dead-letters', id] as const,
};

export function useIntegrations() {
  return usePagedList(integrationKeys.list(), (offset, signal) =>
    unwrap(api.GET('/api/v1/integrations', { params: { query: { limit: PAGE_SIZE, offset } }, signal })),
  );
}

export function useDeadLetters(id: string) {
  return usePagedList(integrationKeys.deadLetters(id), (offset, signal) =>
    unwrap(api.GET('/api/v1/integrations/{id}/dead-letters', { params: { path: { id }, query: { limit: PAGE_SIZE, offset } }, signal })),
  );
}

function useInvalidating<TVariables, TResult>(mutationFn: (variables: TVariables) => Promise<TResult>) {
  const client = useQueryClient();
  return useMutation({ mutationFn, onSettled: () => client.invalidateQueries({ queryKey: integrationKeys.all }) });
}

export const useCreateIntegration = () => useInvalidating((body: NewIntegration) => unwrap(api.POST('/api/v1/integrations', { body })));

export const usePatchIntegration = () =>
  useInvalidating(({ id, body }: { id: string; body: IntegrationPatch }) => unwrap(api.PATCH('/api/v1/integrations/{id}', { params: { path: { id } }, body })));

export const useRotateSecret = () =>
  useInvalidating((id: string) => unwrap(api.POST('/api/v1/integrations/{id}/rotate-secret', { params: { path: { id } }, body: {} })));

export const useDeleteIntegration = () => useInvalidating((id: string) => unwrap(api.DELETE('/api/v1/integrations/{id}', { params: { path: { id } } })));

export type TestResult = paths['/api/v1/integrations/{id}/test']['post']['responses'][200]['content']['application/json'];

/** Sends a firing test alert in the platform's own format, through the same parser and correlation as a real one. */
export const useSendTestAlert = () =>
  useInvalidating((id: string) => unwrap(api.POST('/api/v1/integrations/{id}/test', { params: { path: { id } }, body: { status: 'firing' } })));
