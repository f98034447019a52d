/** A one-line progress indicator on stderr for long evaluations (rewritten in place on a terminal). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function progressLine(stream: ProgressStream): (done: number, total: number, label: string) => void {
  const started = Date.now();
  return (done, total, label) => {
    const width = 24;
    const filled = total ? Math.round((width * done) / total) : width;
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label} ${seconds}s`;
    if (stream.isTTY) stream.write(`\r${line}\x1b[K${done === total ? '\n' : ''}`);
    else if (done === total || done === 0 || label) stream.write(`${line}\n`);
  };
}
