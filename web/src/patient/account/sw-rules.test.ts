import { describe, expect, it } from "vitest";
import { ps } from "../i18n";
import { APP, ICON, notificationFrom, openPath } from "./sw-rules";

const origin = "https://clinic.example";

describe("a push shown", () => {
  it("takes title, body and url from the payload; the id is the tag, no second ring", () => {
    const shown = notificationFrom(JSON.stringify({ title: "It's your turn", body: "Room 5", kind: "turn_now",
      notification_id: "n-1", url: "/patient/ticket" }));
    expect(shown.title).toBe("It's your turn");
    expect(shown.options).toMatchObject({ body: "Room 5", tag: "n-1", renotify: false, icon: ICON,
      data: { url: "/patient/ticket", kind: "turn_now" } });
  });

  it("still shows something for an empty or broken payload", () => {
    for (const payload of [null, "", "not json", "[1,2]"]) {
      const shown = notificationFrom(payload);
      expect(shown.title).toBe(ps.account.notification.title);
      expect(shown.options.body).toBe(ps.account.notification.body);
      expect(shown.options.tag).toBeUndefined();
      expect(shown.options.data.url).toBe(APP);
    }
  });
});

describe("where a tap leads", () => {
  it("opens this origin's /patient/ paths", () => {
    expect(openPath("/patient/ticket", origin)).toBe("/patient/ticket");
    expect(openPath(`${origin}/patient/visits/1?x=1`, origin)).toBe("/patient/visits/1?x=1");
  });

  it("never another origin or another app", () => {
    expect(openPath("https://evil.example/patient/ticket", origin)).toBe(APP);
    expect(openPath("//evil.example/patient/", origin)).toBe(APP);
    expect(openPath("/admin", origin)).toBe(APP);
    expect(openPath("/patient/../admin", origin)).toBe(APP);
    expect(openPath("javascript:alert(1)", origin)).toBe(APP);
    expect(openPath(undefined, origin)).toBe(APP);
  });
});
