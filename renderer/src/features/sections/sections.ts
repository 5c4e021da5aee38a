export interface Section {
  path: string;
  label: string;
  /** A two-key sequence, "G" then a letter, as in many consoles; shown beside the entry. */
  shortcut: readonly string[];
  coming?: { summary: string; planned: readonly string[] };
}

export const SECTIONS: readonly Section[] = [
  { path: '/incidents', label: 'Incidents', shortcut: ['G', 'I'] },
  { path: '/services', label: 'Services', shortcut: ['G', 'V'] },
  { path: '/runbooks', label: 'Runbooks', shortcut: ['G', 'R'] },
  {
    path: '/logs',
    label: 'Logs',
    shortcut: ['G', 'L'],
    coming: {
      summary: 'Full-text search over logs kept in their own store with time-based retention.',
      planned: ['Search with highlighted matches', 'Time range and field filters', 'Live tail'],
    },
  },
  {
    path: '/monitors',
    label: 'Monitors',
    shortcut: ['G', 'M'],
    coming: {
      summary: 'Checks and heartbeats that open incidents when a service stops answering.',
      planned: ['HTTP and heartbeat monitors with intervals', 'Uptime history', 'Links to the incidents they opened'],
    },
  },
  {
    path: '/status-pages',
    label: 'Status pages',
    shortcut: ['G', 'P'],
    coming: {
      summary: 'Public pages that show service status, incidents and maintenance.',
      planned: ['Service components and their status', 'Scheduled maintenance', 'Incident updates published to the page'],
    },
  },
  { path: '/analytics', label: 'Analytics', shortcut: ['G', 'N'] },
  { path: '/audit', label: 'Audit', shortcut: ['G', 'A'] },
  { path: '/settings', label: 'Settings', shortcut: ['G', 'S'] },
];
