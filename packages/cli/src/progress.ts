/**
 * Progress reports for long work (fill, compact, verify, demo): a bar drawn by cli-progress
 * when stdout is a terminal, and a few plain lines otherwise, so that logs and pipes get a
 * readable record instead of control characters.
 *
 * @module
 */
import { Presets, SingleBar } from 'cli-progress'

/** A running progress report. */
export interface Progress {
  /** Sets how much is done, out of the total given at the start. */
  update(done: number): void
  /** Ends the report: completes the bar, or prints the final plain line. Idempotent. */
  stop(): void
}

/** Options of {@link startProgress}. */
export interface ProgressOptions {
  /** Where to write. Default `process.stdout`. */
  readonly stream?: NodeJS.WriteStream
  /** Force the bar on or off. Default: on when `stream` is a terminal. */
  readonly tty?: boolean
  /** The unit counted, shown in plain lines (`"batches"`). Default none. */
  readonly unit?: string
}

/**
 * Starts a progress report of `label` towards `total`. Plain mode prints a line at each
 * quarter of the way and one at the end.
 */
export function startProgress(label: string, total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stdout
  const tty = options.tty ?? stream.isTTY === true
  const unit = options.unit === undefined ? '' : ` ${options.unit}`
  if (tty) {
    const bar = new SingleBar(
      {
        stream,
        format: `${label} [{bar}] {percentage}% | {value}/{total}${unit} | {duration_formatted}`,
        hideCursor: true,
      },
      Presets.shades_classic,
    )
    bar.start(total, 0)
    let stopped = false
    return {
      update: (done) => bar.update(Math.min(done, total)),
      stop: () => {
        if (stopped) return
        stopped = true
        bar.stop()
      },
    }
  }
  let quarter = 0
  let last = 0
  let stopped = false
  const started = Date.now()
  return {
    update(done) {
      last = Math.min(done, total)
      // One line per quarter crossed, none for the last: stop() prints that one.
      const reached = total > 0 ? Math.floor((last * 4) / total) : 0
      if (reached > quarter && reached < 4) stream.write(`${label}: ${last}/${total}${unit}\n`)
      quarter = Math.max(quarter, reached)
    },
    stop() {
      if (stopped) return
      stopped = true
      stream.write(`${label}: ${last}/${total}${unit} done in ${Date.now() - started} ms\n`)
    },
  }
}
