import { describe, expect, it, vi } from "vitest";

vi.mock("../api/client", () => ({ api: {}, problemText: () => null }));
const { backoff, SseParser } = await import("./live");

describe("the event-stream parser", () => {
  it("reads events split across chunks, skips comments and heartbeats", () => {
    const parser = new SseParser();
    expect(parser.push("retry: 3000\n\nevent: snap")).toEqual([]);
    expect(parser.push('shot\ndata: {"waiting": 2}\n\n: heartbeat\n\nevent: line\r\ndata: {"a":')).toEqual([
      { event: "snapshot", data: '{"waiting": 2}' }]);
    expect(parser.push('1}\r\n\r\n')).toEqual([{ event: "line", data: '{"a":1}' }]);
  });

  it("joins multi-line data and defaults the event name", () => {
    expect(new SseParser().push("data: a\ndata: b\n\n")).toEqual([{ event: "message", data: "a\nb" }]);
  });
});

describe("reconnecting", () => {
  it("backs off 1 s, 2 s, 4 s ... never beyond 30 s", () => {
    expect([0, 1, 2, 3, 4, 5, 9].map(backoff)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });
});
