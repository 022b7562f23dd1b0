import type { Writable } from 'node:stream';

export interface ProgressBar {
  /** Moves the bar to `fraction` (0 to 1) with an optional note (`epoch 3/10`, `12.0/48.0 MiB`). */
  update(fraction: number, note?: string): void;
  /** Draws the bar at its end state and moves to the next line. */
  done(note?: string): void;
}

export interface ProgressBarOptions {
  /** Where to draw (default stderr, so stdout stays the program's output). */
  stream?: Writable & { isTTY?: boolean; columns?: number };
  width?: number;
  /**
   * Off a terminal, a line is printed per 10% step, and also whenever the note changes unless
   * this is false (byte counts change with every chunk; a step's messages are worth keeping).
   */
  lineOnNote?: boolean;
}

/**
 * A one-line progress bar: redrawn in place on a terminal; elsewhere (CI logs, pipes) one line
 * per 10% step or note change, so logs stay readable.
 */
export function progressBar(label: string, options: ProgressBarOptions = {}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const width = options.width ?? 24;
  const tty = Boolean(stream.isTTY);
  let lastLine = '';
  let lastDecile = -1;
  let lastNote: string | undefined;
  let finished = false;
  const line = (fraction: number, note?: string) => {
    const clamped = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
    const filled = Math.round(clamped * width);
    const percent = `${Math.floor(clamped * 100)}%`.padStart(4);
    return `${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${percent}${note ? `  ${note}` : ''}`;
  };
  return {
    update(fraction, note) {
      if (finished) return;
      const text = line(fraction, note);
      if (tty) {
        if (text !== lastLine) stream.write(`\r${text.slice(0, (stream.columns ?? 120) - 1)}\u001b[K`);
      } else {
        const decile = Math.floor(Math.max(0, Math.min(1, fraction)) * 10);
        if (decile !== lastDecile || (note !== lastNote && options.lineOnNote !== false))
          stream.write(`${text}\n`);
        lastDecile = decile;
        lastNote = note;
      }
      lastLine = text;
    },
    done(note) {
      if (finished) return;
      finished = true;
      const text = line(1, note);
      stream.write(tty ? `\r${text}\u001b[K\n` : `${text}\n`);
    },
  };
}

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
