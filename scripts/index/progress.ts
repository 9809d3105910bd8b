// One progress line on stderr: files done of total, chips, bytes read, rate and time left. On
// a terminal it is rewritten in place; in a log (a Kubernetes pod, AWS Batch) it is a plain
// line every few seconds and one at the end.

const PLAIN_EVERY_MS = 5000

function mb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`
}

function duration(s: number): string {
  if (!Number.isFinite(s)) return '?'
  if (s < 90) return `${Math.round(s)} s`
  if (s < 5400) return `${Math.round(s / 60)} min`
  return `${(s / 3600).toFixed(1)} h`
}

export class Progress {
  private files = 0
  private chips = 0
  private bytes = 0
  private skipped = 0
  private readonly started = performance.now()
  private lastPlain = 0
  private readonly tty = process.stderr.isTTY === true

  constructor(
    private readonly totalFiles: number,
    private readonly totalBytes: number,
    private readonly label: string,
  ) {}

  fileDone(bytes: number, chips: number, skipped: boolean): void {
    this.files++
    this.bytes += bytes
    this.chips += chips
    if (skipped) this.skipped++
    this.show(false)
  }

  line(): string {
    const s = (performance.now() - this.started) / 1000
    const rate = this.chips / Math.max(s, 1e-3)
    const left = this.bytes > 0 ? (s * (this.totalBytes - this.bytes)) / this.bytes : Infinity
    const skipped = this.skipped > 0 ? `, ${this.skipped} skipped` : ''
    return `${this.label}: ${this.files}/${this.totalFiles} files${skipped}, ${this.chips.toLocaleString('en')} chips, ${mb(this.bytes)} of ${mb(this.totalBytes)}, ${Math.round(rate).toLocaleString('en')} chips/s, ${duration(left)} left`
  }

  show(final: boolean): void {
    const now = performance.now()
    if (this.tty) {
      process.stderr.write(`\r${this.line()}\u001b[K${final ? '\n' : ''}`)
    } else if (final || now - this.lastPlain >= PLAIN_EVERY_MS) {
      this.lastPlain = now
      process.stderr.write(`${this.line()}\n`)
    }
  }
}
