import { create } from 'zustand';

/** Filters as the person typed them; turned into API parameters by toAuditQuery. */
export interface AuditFilters {
  action: string;
  actorUserId: string;
  /** `<input type="datetime-local">` values, local time. */
  from: string;
  to: string;
}

interface AuditFilterState {
  filters: AuditFilters;
  setFilters: (filters: AuditFilters) => void;
  reset: () => void;
}

export const EMPTY_FILTERS: AuditFilters = { action: '', actorUserId: '', from: '', to: '' };

export const useAuditFilterStore = create<AuditFilterState>()((set) => ({
  filters: EMPTY_FILTERS,
  setFilters: (filters) => set({ filters }),
  reset: () => set({ filters: EMPTY_FILTERS }),
}));
