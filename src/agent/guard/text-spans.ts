// Character spans in a reply, shared by the guard's checks (money masks itself out before times are read).
export interface Span {
  start: number;
  end: number;
}

export function mask(text: string, spans: Span[]): string {
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + " ".repeat(s.end - s.start) + out.slice(s.end);
  return out;
}

export const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;
