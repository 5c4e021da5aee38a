import { describe, expect, it } from 'vitest';
import { trayLabel } from './tray-label';

describe('trayLabel', () => {
  it('shows the count of open incidents', () => {
    expect(trayLabel(null)).toEqual({ tooltip: 'Nightshift', title: '' });
    expect(trayLabel(0)).toEqual({ tooltip: 'Nightshift: no open incidents', title: '' });
    expect(trayLabel(1)).toEqual({ tooltip: 'Nightshift: 1 open incident', title: '1' });
    expect(trayLabel(12)).toEqual({ tooltip: 'Nightshift: 12 open incidents', title: '12' });
  });
});
