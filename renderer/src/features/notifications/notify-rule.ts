export interface CreatedIncident {
  title?: string;
  severity?: string;
}

export interface DesktopNotice {
  title: string;
  body: string;
}

/** Only a new critical incident is worth interrupting someone for on this computer. */
export const shouldNotify = (event: { event: string; data?: unknown }): boolean =>
  event.event === 'incident.created' && (event.data as CreatedIncident | undefined)?.severity === 'critical';

export const noticeFor = (incident: CreatedIncident): DesktopNotice => ({
  title: `New ${incident.severity ?? ''} incident`.replace(/\s+/g, ' ').slice(0, 200),
  body: (incident.title ?? 'An incident was opened').slice(0, 2000),
});

/**
 * One notice at once, then at most one per `windowMs`: during an alert storm the person gets
 * "12 more critical incidents" instead of twelve pop-ups.
 */
export class NoticeThrottle {
  private quietUntil = 0;
  private held: DesktopNotice[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly show: (notice: DesktopNotice) => void,
    private readonly windowMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  push(notice: DesktopNotice): void {
    if (this.now() >= this.quietUntil && this.held.length === 0) {
      this.quietUntil = this.now() + this.windowMs;
      this.show(notice);
      return;
    }
    this.held.push(notice);
    this.timer ??= setTimeout(() => this.release(), Math.max(0, this.quietUntil - this.now()));
  }

  private release(): void {
    this.timer = undefined;
    const held = this.held;
    this.held = [];
    if (held.length === 0) return;
    this.quietUntil = this.now() + this.windowMs;
    this.show(held.length === 1 ? held[0]! : { title: `${held.length} more critical incidents`, body: held.map((n) => n.body).slice(0, 5).join('\n') });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.held = [];
  }
}
