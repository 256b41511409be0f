import { describe, expect, it } from "vitest";
import { ps } from "../i18n";
import {
  changedFields, codeRequestRefusal, fieldOf, invalidText, passwordProblem, plausiblePhone, refusalText, retrySeconds,
  takenField,
} from "./rules";

const c = ps.account.common;

describe("what a form may send", () => {
  it("takes phone numbers people type, with the country code or not", () => {
    expect(plausiblePhone("+254712345678")).toBe(true);
    expect(plausiblePhone(" 0712 345 678 ")).toBe(true);
    expect(plausiblePhone("+1 (555) 010-9999")).toBe(true);
    expect(plausiblePhone("12345")).toBe(false);
    expect(plausiblePhone("amina@example.com")).toBe(false);
    expect(plausiblePhone("+2547123456789012")).toBe(false);
  });

  it("wants 8 characters and the same password twice", () => {
    expect(passwordProblem("short", "short")).toBe(c.tooShort);
    expect(passwordProblem("long enough", "long enouhg")).toBe(c.mismatch);
    expect(passwordProblem("long enough", "long enough")).toBeNull();
  });

  it("sends only the fields that changed; an emptied email is cleared", () => {
    const before = { full_name: "Amina Njeri", email: "a@example.com", phone_number: "+254712345678" };
    expect(changedFields(before, { ...before })).toEqual({});
    expect(changedFields(before, { ...before, full_name: " Amina W. Njeri " })).toEqual({ full_name: "Amina W. Njeri" });
    expect(changedFields(before, { ...before, email: "  " })).toEqual({ email: null });
    expect(changedFields(before, { ...before, full_name: " ", phone_number: "" })).toEqual({});
    expect(changedFields({ ...before, email: null }, { ...before, email: "new@example.com" }))
      .toEqual({ email: "new@example.com" });
  });
});

describe("a refusal in plain words", () => {
  it("says the server is away when there was no answer", () => {
    expect(refusalText(undefined, null)).toBe(c.unreachable);
    expect(refusalText(502, null)).toBe(c.unreachable);
  });

  it("gives the wait of a 429 from the problem, the header, or a minute", () => {
    expect(retrySeconds({ retry_after: 42 })).toBe(42);
    expect(retrySeconds({}, new Headers({ "retry-after": "7" }))).toBe(7);
    expect(retrySeconds(null)).toBe(60);
    expect(refusalText(429, { detail: "Too many failed attempts. Try again later.", retry_after: 900 }))
      .toBe("Too many tries. Wait 900 seconds, then try again.");
  });

  it("names the field of a 422, from validation errors or a domain detail", () => {
    const validation = { errors: [{ loc: ["body", "password"], msg: "String should have at least 8 characters" }] };
    expect(fieldOf(validation)).toBe("password");
    expect(invalidText(validation)).toBe("The password: String should have at least 8 characters");
    const domain = { detail: "phone_number is not a valid phone number." };
    expect(fieldOf(domain)).toBe("phone_number");
    expect(refusalText(422, domain)).toBe("The phone number: is not a valid phone number.");
    expect(fieldOf({ detail: "Something else." })).toBeNull();
  });

  it("passes the server's own detail on, or the status", () => {
    expect(refusalText(409, { detail: "A user with this email already exists." }))
      .toBe("A user with this email already exists.");
    expect(refusalText(500, {})).toBe("Something went wrong (500). Try again in a moment.");
  });

  it("knows which unique field a 409 is about", () => {
    expect(takenField("A user with this phone number already exists.")).toBe("phone_number");
    expect(takenField("A user with this email already exists.")).toBe("email");
    expect(takenField("A user with this username already exists.")).toBe("username");
    expect(takenField(undefined)).toBe("phone_number");
  });
});

describe("asking for a reset code by SMS", () => {
  it("says a 429 is about this connection, with the wait", () => {
    const refused = codeRequestRefusal(429, { detail: "Too many reset codes asked for from this address.", retry_after: 120 });
    expect(refused).toEqual({ text: "Too many codes were asked for from this connection. Wait 120 seconds, then try again." });
    expect(codeRequestRefusal(429, {}, new Headers({ "retry-after": "9" })).text).toContain("Wait 9 seconds");
  });

  it("points at the phone number for a 422, and says when the clinic is away", () => {
    expect(codeRequestRefusal(422, { detail: "phone_number is not a valid phone number." }))
      .toEqual({ text: c.badPhone, field: "phone_number" });
    expect(codeRequestRefusal(undefined, null)).toEqual({ text: c.unreachable });
    expect(codeRequestRefusal(503, { detail: "The service is busy. Try again shortly." }))
      .toEqual({ text: "The service is busy. Try again shortly." });
  });
});
