import type { EventObserver, LiveEvent } from '../../realtime';
import type { IncidentFacts, NotificationService } from './notifications.service';
import { OUTBOUND_EVENT_TYPES, type OutboundEventType } from './outbound.schemas';
import type { OutboundService } from './outbound.service';

/** What the dispatcher remembers of an incident's timeline entries until the incident event that follows them. */
interface Pending {
  actorId: string | null;
  assignedTo: string | null;
}

const MAX_PENDING = 1000;
const INCIDENT_EVENTS = new Set(['incident.created', 'incident.updated', 'incident.resolved']);
const isOutbound = (event: string): event is OutboundEventType => (OUTBOUND_EVENT_TYPES as readonly string[]).includes(event);

interface TimelineEntryEvent {
  incident_id: string;
  kind: string;
  actor_id: string | null;
  data: { to?: unknown };
}

/**
 * Turns the organization's events into notifications and outbound webhook deliveries. It hears every
 * event a service publishes, inside the change's transaction (see realtime/bus.ts). An incident's timeline entries are
 * published just before the incident event of the same change; they say who made it and whether it
 * assigned someone, which the incident itself does not.
 */
export function createDispatcher(deps: { notifications: NotificationService; outbound: OutboundService; onError(error: unknown): void }): EventObserver {
  const pending = new Map<string, Pending>();

  function noteEntry(entry: TimelineEntryEvent): void {
    const known = pending.get(entry.incident_id);
    pending.delete(entry.incident_id);
    const assigned = entry.kind === 'assignee_changed' ? (typeof entry.data.to === 'string' ? entry.data.to : null) : (known?.assignedTo ?? null);
    pending.set(entry.incident_id, { actorId: entry.actor_id, assignedTo: assigned });
    // Entries of alerts arrive without an incident event after them: keep only the newest few.
    if (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value!);
  }

  function incidentEvent(orgId: string, event: LiveEvent): void {
    const incident = event.data as IncidentFacts & { created_by: string | null; resolved_by: string | null };
    const entry = pending.get(incident.id);
    pending.delete(incident.id);
    const created = event.event === 'incident.created';
    const resolved = event.event === 'incident.resolved';
    deps.notifications.incidentChanged({
      orgId,
      incident,
      actorId: resolved ? incident.resolved_by : (entry?.actorId ?? (created ? incident.created_by : null)),
      assignedTo: created ? incident.assignee_id : (entry?.assignedTo ?? null),
      resolved,
    });
  }

  // A failure here must not turn the change's request into an error.
  const safely = (task: () => void) => {
    try {
      task();
    } catch (error) {
      deps.onError(error);
    }
  };

  return (orgId, topic, event) => {
    if (topic === 'incidents' || topic === 'alerts') {
      if (isOutbound(event.event)) safely(() => deps.outbound.publish(orgId, event.event, event.data));
      if (topic === 'incidents' && INCIDENT_EVENTS.has(event.event)) safely(() => incidentEvent(orgId, event));
    } else if (topic.startsWith('incident:') && event.event === 'timeline.entry') {
      safely(() => noteEntry(event.data as TimelineEntryEvent));
    }
  };
}
