/**
 * The map reads every net namespace, which costs: it reads only while its panel is
 * visible, and a snapshot that came while it was hidden is read when it is shown again.
 */
export class ReadWhenVisible {
  private stale = false;

  constructor(
    private readonly read: () => void,
    private visible: boolean,
  ) {}

  /** A new snapshot (or the first look): read now, or once the panel is shown. */
  changed(): void {
    if (this.visible) this.read();
    else this.stale = true;
  }

  /** The panel was shown or hidden. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (!visible || !this.stale) return;
    this.stale = false;
    this.read();
  }
}
