/** The tray's tooltip and (macOS menu bar) title for a count of open incidents; null: not known. */
export function trayLabel(openIncidents: number | null): { tooltip: string; title: string } {
  if (openIncidents === null) return { tooltip: 'Nightshift', title: '' };
  if (openIncidents === 0) return { tooltip: 'Nightshift: no open incidents', title: '' };
  const noun = openIncidents === 1 ? 'incident' : 'incidents';
  return { tooltip: `Nightshift: ${openIncidents} open ${noun}`, title: String(openIncidents) };
}
