import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import type { Publish } from '../../realtime';
import type { TimelineEntry, TimelineKind, TimelineVisibility } from './incidents.schemas';
import type { IncidentsStore, TimelineRow } from './incidents.store';

export const toTimelineEntry = (row: TimelineRow): TimelineEntry => ({
  id: row.id,
  incident_id: row.incident_id,
  kind: row.kind,
  message: row.message,
  actor_id: row.actor_id,
  actor: row.actor_name,
  visibility: row.visibility,
  data: JSON.parse(row.data) as Record<string, unknown>,
  created_at: row.created_at,
});

export interface NewTimelineEntry {
  kind: TimelineKind;
  message: string;
  actorId?: string | null;
  visibility?: TimelineVisibility;
  data?: Record<string, unknown>;
  at?: string;
}

/** Appends to incidents' timelines and announces each entry on `incident:{id}` (live once the transaction commits). */
export function createTimeline(deps: { store: IncidentsStore; clock: Clock; publish?: Publish }) {
  const { store, clock } = deps;
  return {
    add(orgId: string, incidentId: string, entry: NewTimelineEntry): TimelineEntry {
      const id = newId();
      store.insertEntry({
        id,
        org_id: orgId,
        incident_id: incidentId,
        kind: entry.kind,
        message: entry.message,
        actor_id: entry.actorId ?? null,
        // Status changes and edits are for the team; public updates are said so explicitly.
        visibility: entry.visibility ?? 'internal',
        data: JSON.stringify(entry.data ?? {}),
        created_at: entry.at ?? clock.now().toISOString(),
      });
      const created = toTimelineEntry(store.entry(id)!);
      deps.publish?.(orgId, `incident:${incidentId}`, { event: 'timeline.entry', data: created });
      return created;
    },
  };
}

export type Timeline = ReturnType<typeof createTimeline>;
