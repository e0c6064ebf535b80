import { describe, expect, it } from "vitest";
import {
  EMPTY_FORM,
  passwordReentryFields,
  validateServerForm,
  type ServerFormValues,
} from "../../web/src/servers/form/formModel.js";

/** The UI form applies the API's rule: changing where the password goes asks for the password again. */
const stored: ServerFormValues = {
  ...EMPTY_FORM,
  title: "Principal",
  host: "smtp.exemple.fr",
  port: 587,
  mail: "contact@exemple.fr",
  senderName: "Exemple",
  username: "contact@exemple.fr",
};

describe("server form: password re-entry", () => {
  it.each([
    ["host", { host: "smtp.ailleurs.fr" }],
    ["port", { port: 2525 }],
    ["security", { security: "tls" as const }],
    ["username", { username: "autre@exemple.fr" }],
    ["authentication", { authentication: "encrypted_password" as const }],
  ])("asks for the password when %s changes", (field, change) => {
    const values = { ...stored, ...change };
    expect(passwordReentryFields(values, stored)).toEqual([field]);
    const checked = validateServerForm(values, 3, stored);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.errors.password).toMatchObject({ code: "PASSWORD_REENTRY_REQUIRED" });
      expect(checked.errors.password!.fr).toContain("Saisissez à nouveau le mot de passe");
      expect(checked.errors.password!.en).toContain("Enter the password again");
    }
  });

  it("accepts the change with the password, a title change without it, and no authentication", () => {
    expect(validateServerForm({ ...stored, port: 2525, password: "N0uveau!Secret-42" }, 3, stored).ok).toBe(
      true,
    );
    expect(validateServerForm({ ...stored, title: "Renommé" }, 3, stored).ok).toBe(true);
    expect(passwordReentryFields({ ...stored, port: 2525, authentication: "none" }, stored)).toEqual([]);
  });
});
