/**
 * Server-sent events, parsed once at the edge of a provider adapter (WHATWG EventSource rules).
 *
 * Survives what real upstreams send: comment lines and keep-alive pings (`: ping`), events split across
 * TCP chunks (and multi-byte UTF-8 characters split across chunks), CRLF or LF line endings, multi-line
 * `data:` fields, and a stream that ends without a blank line or without `[DONE]`.
 */

export interface SseEvent {
  /** The `event:` field, or 'message' when absent. */
  event: string;
  data: string;
  id?: string;
}

export class SseParser {
  private buffer = '';
  private readonly decoder = new TextDecoder('utf-8');
  private dataLines: string[] = [];
  private eventName = '';
  private lastId: string | undefined;

  /** Feeds raw bytes; returns the events completed by them. */
  push(chunk: Uint8Array | string): SseEvent[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    return this.drain(false);
  }

  /** Call at end of stream: dispatches a final event that was not followed by a blank line. */
  end(): SseEvent[] {
    this.buffer += this.decoder.decode();
    return this.drain(true);
  }

  private drain(final: boolean): SseEvent[] {
    const events: SseEvent[] = [];
    let start = 0;
    // Positions of the next LF / CR at or after `start`; -1 once none is left. Searched again only when
    // passed, so a large chunk of many LF-only lines is scanned once rather than once per line.
    let lf = -2;
    let cr = -2;
    for (;;) {
      if (lf !== -1 && lf < start) lf = this.buffer.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = this.buffer.indexOf('\r', start);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A lone CR at the very end may be the first half of CRLF: wait for more input.
        if (cr === this.buffer.length - 1 && !final) break;
        end = cr;
        next = this.buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else {
        break;
      }
      this.line(this.buffer.slice(start, end), events);
      start = next;
    }
    this.buffer = this.buffer.slice(start);
    if (final) {
      if (this.buffer.length > 0) this.line(this.buffer, events);
      this.buffer = '';
      this.dispatch(events);
    }
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') {
      this.dispatch(events);
      return;
    }
    if (line.startsWith(':')) return; // comment / keep-alive ping
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.dataLines.push(value);
    else if (field === 'event') this.eventName = value;
    else if (field === 'id') this.lastId = value;
    // `retry` and unknown fields are ignored, as EventSource does.
  }

  private dispatch(events: SseEvent[]): void {
    if (this.dataLines.length > 0) {
      const event: SseEvent = { event: this.eventName || 'message', data: this.dataLines.join('\n') };
      if (this.lastId !== undefined) event.id = this.lastId;
      events.push(event);
    }
    this.dataLines = [];
    this.eventName = '';
  }
}

/** Parses an async byte stream (e.g. an undici response body) into SSE events. */
export async function* parseSseStream(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const parser = new SseParser();
  for await (const chunk of body) {
    for (const event of parser.push(chunk)) yield event;
  }
  for (const event of parser.end()) yield event;
}
