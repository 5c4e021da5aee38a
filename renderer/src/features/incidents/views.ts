import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { filtersToParams, type IncidentFilters } from './filters';

/** A named set of list filters, kept on this computer only. */
export interface SavedView {
  id: string;
  name: string;
  /** The canonical query string (filtersToParams), so equal filters compare equal. */
  query: string;
}

interface ViewsState {
  views: SavedView[];
  save: (name: string, filters: IncidentFilters) => SavedView;
  remove: (id: string) => void;
}

export const useSavedViews = create<ViewsState>()(
  persist(
    (set, get) => ({
      views: [],
      save: (name, filters) => {
        const query = filtersToParams(filters).toString();
        // Saving under an existing name replaces that view rather than adding a twin.
        const existing = get().views.find((view) => view.name === name);
        const view = { id: existing?.id ?? crypto.randomUUID(), name, query };
        set({ views: existing ? get().views.map((v) => (v.id === view.id ? view : v)) : [...get().views, view] });
        return view;
      },
      remove: (id) => set({ views: get().views.filter((view) => view.id !== id) }),
    }),
    { name: 'nightshift.incident-views', version: 1 },
  ),
);
