import type { Severity, Status } from './incidents.schemas';

/**
 * The incident state machine (DESIGN.md §3). `active` is where an incident starts and nothing returns
 * to it; the open statuses move freely among themselves and to `resolved`; `resolved` only re-opens,
 * to `investigating`.
 */
export const TRANSITIONS: Record<Status, readonly Status[]> = {
  active: ['investigating', 'identified', 'monitoring', 'mitigated', 'resolved'],
  investigating: ['identified', 'monitoring', 'mitigated', 'resolved'],
  identified: ['investigating', 'monitoring', 'mitigated', 'resolved'],
  monitoring: ['investigating', 'identified', 'mitigated', 'resolved'],
  mitigated: ['investigating', 'identified', 'monitoring', 'resolved'],
  resolved: ['investigating'],
};

/** Staying put is not a transition, and always allowed. */
export const canTransition = (from: Status, to: Status): boolean => from === to || TRANSITIONS[from].includes(to);

const RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };
export const severityRank = (severity: Severity): number => RANK[severity];
