/** The API's vocabularies (DESIGN.md §3) with the words the console shows for them. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export const STATUSES = ['active', 'investigating', 'identified', 'monitoring', 'mitigated', 'resolved'] as const;
export const IMPACTS = ['none', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type Status = (typeof STATUSES)[number];
export type Impact = (typeof IMPACTS)[number];

export const humanize = (value: string) => value.charAt(0).toUpperCase() + value.slice(1).replace(/_/g, ' ');

/**
 * Where an incident may go from `from`, as the server allows: any open status to another open one or to
 * resolved, nothing back to active, and resolved only re-opens to investigating.
 */
export function nextStatuses(from: Status): Status[] {
  if (from === 'resolved') return ['investigating'];
  return STATUSES.filter((status) => status !== from && status !== 'active');
}

export const SEVERITY_COLORS: Record<Severity, string> = {
  critical: '#e03131',
  high: '#f08c00',
  medium: '#fab005',
  low: '#868e96',
};
