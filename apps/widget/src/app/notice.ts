/** A short message above the composer (upload refused, rate limited, …) that goes away by itself. */
export class Notice {
  text: string | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly onChange: () => void,
    private readonly ms = 6000,
  ) {}

  show(text: string): void {
    this.text = text;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.dismiss(), this.ms);
    this.onChange();
  }

  dismiss(): void {
    clearTimeout(this.timer);
    this.text = null;
    this.onChange();
  }
}
