import { z } from "zod";
import { normalizeHost } from "./host.js";
import { SERVER_COLUMNS } from "./server-columns.js";
import { AUTH_METHODS, SECURITY_MODES } from "./ports.js";
import {
  CRITERION_TEXT,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_SCORE,
  passwordStrength,
} from "./password-policy.js";
import { multiLine, singleLine, singleLineText, TEXT_FIELD_TEXT } from "./text.js";
import { idSchema, versionSchema } from "./id.js";

/**
 * The SMTP server record of the "Gestion des Serveurs de messagerie (SMTP)" page, declared once.
 * These schemas validate the API, the CLI and the UI form.
 */
export const TITLE_MAX = 120;
export const SENDER_NAME_MAX = 120;
export const USERNAME_MAX = 320; // an email address can be 254; some providers use longer opaque ids
export const SIGNATURE_MAX_CHARS = 20_000; // a signature, not a newsletter
export const LOGO_MAX_BYTES = 200 * 1024; // keeps each sent message light; most logos are < 50 KiB
export const LOGO_MIME_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const; // no SVG: it can carry script
export const SERVER_PRIORITY_DEFAULT = 100;

/** Custom issue codes carried in zod `params.code`, translated by `zodIssuesToFieldIssues`. */
export const FIELD_TEXT = {
  ...TEXT_FIELD_TEXT,
  HOST_INVALID: {
    fr: "Nom d'hôte invalide (ex. smtp.exemple.fr ou une adresse IP).",
    en: "Invalid host name (e.g. smtp.example.com or an IP address).",
  },
  EMAIL_INVALID: { fr: "Adresse e-mail invalide.", en: "Invalid email address." },
  PASSWORD_WEAK: {
    fr: "Mot de passe trop faible : il faut {missing}.",
    en: "Password too weak: it needs {missing}.",
  },
  PASSWORD_GUESSABLE: {
    fr: "Mot de passe trop facile à deviner : allongez-le ou évitez les mots courants.",
    en: "Password too easy to guess: make it longer or avoid common words.",
  },
  PASSWORD_REQUIRED: {
    fr: "Le mot de passe est obligatoire quand le serveur demande une authentification.",
    en: "A password is required when the server needs authentication.",
  },
  DEPARTMENTS_REQUIRED: {
    fr: "Choisissez au moins un service pour une utilisation personnalisée.",
    en: "Choose at least one department for a custom usage.",
  },
  LOGO_INVALID: {
    fr: `Logo invalide : PNG, JPEG, GIF ou WebP de ${LOGO_MAX_BYTES / 1024} Kio au plus.`,
    en: `Invalid logo: PNG, JPEG, GIF or WebP of at most ${LOGO_MAX_BYTES / 1024} KiB.`,
  },
} as const;

const requiredText = (max: number) => singleLineText(max);

export const hostSchema = singleLine()
  .max(300)
  .transform((value, ctx) => {
    const ascii = normalizeHost(value);
    if (ascii === null) {
      ctx.addIssue({ code: "custom", params: { code: "HOST_INVALID" }, message: FIELD_TEXT.HOST_INVALID.en });
      return z.NEVER;
    }
    return ascii;
  });

/** A mailbox address; the domain part is normalised to ASCII like the host. */
export const emailSchema = singleLine()
  .trim()
  .max(254)
  .transform((value, ctx) => {
    const at = value.lastIndexOf("@");
    const local = value.slice(0, at);
    const domain = at > 0 ? normalizeHost(value.slice(at + 1)) : null;
    const localOk =
      /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]{1,64}$/u.test(local) &&
      !local.startsWith(".") &&
      !local.endsWith(".") &&
      !local.includes("..");
    if (at <= 0 || domain === null || !domain.includes(".") || !localOk) {
      ctx.addIssue({
        code: "custom",
        params: { code: "EMAIL_INVALID" },
        message: FIELD_TEXT.EMAIL_INVALID.en,
      });
      return z.NEVER;
    }
    return `${local}@${domain}`;
  });

export const portSchema = z.number().int().min(1).max(65535);

export const passwordSchema = singleLine()
  .max(PASSWORD_MAX_LENGTH)
  .superRefine((value, ctx) => {
    const strength = passwordStrength(value);
    const missing = (Object.keys(strength.criteria) as Array<keyof typeof strength.criteria>).filter(
      (k) => !strength.criteria[k],
    );
    if (missing.length > 0) {
      ctx.addIssue({
        code: "custom",
        params: {
          code: "PASSWORD_WEAK",
          missing: {
            fr: missing.map((k) => CRITERION_TEXT[k].fr).join(", "),
            en: missing.map((k) => CRITERION_TEXT[k].en).join(", "),
          },
        },
        message: FIELD_TEXT.PASSWORD_WEAK.en,
      });
    } else if (strength.score < PASSWORD_MIN_SCORE) {
      ctx.addIssue({
        code: "custom",
        params: { code: "PASSWORD_GUESSABLE" },
        message: FIELD_TEXT.PASSWORD_GUESSABLE.en,
      });
    }
  });

export const logoSchema = z
  .object({
    mimeType: z.enum(LOGO_MIME_TYPES),
    /** Base64 of the image bytes. */
    data: z
      .string()
      .max(Math.ceil((LOGO_MAX_BYTES * 4) / 3) + 4)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/),
  })
  .strict();

export const usageSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("all") }).strict(),
  z
    .object({
      mode: z.literal("custom"),
      departmentIds: z.array(idSchema).max(500),
    })
    .strict(),
]);
export type Usage = z.infer<typeof usageSchema>;

const serverFields = {
  title: requiredText(TITLE_MAX),
  host: hostSchema,
  port: portSchema,
  authentication: z.enum(AUTH_METHODS),
  security: z.enum(SECURITY_MODES),
  mail: emailSchema,
  senderName: requiredText(SENDER_NAME_MAX),
  username: requiredText(USERNAME_MAX),
  password: passwordSchema,
  usage: usageSchema,
  signatureHtml: multiLine(SIGNATURE_MAX_CHARS),
  logo: logoSchema.nullable(),
  priority: z.number().int().min(0).max(1_000_000),
};

function checkCrossFields(
  value: {
    authentication?: string;
    password?: string | undefined;
    usage?: Usage;
    logo?: { data: string } | null;
  },
  ctx: z.RefinementCtx,
  creating: boolean,
): void {
  if (creating && value.authentication !== "none" && !value.password) {
    ctx.addIssue({
      code: "custom",
      path: ["password"],
      params: { code: "PASSWORD_REQUIRED" },
      message: FIELD_TEXT.PASSWORD_REQUIRED.en,
    });
  }
  if (value.usage?.mode === "custom" && value.usage.departmentIds.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["usage", "departmentIds"],
      params: { code: "DEPARTMENTS_REQUIRED" },
      message: FIELD_TEXT.DEPARTMENTS_REQUIRED.en,
    });
  }
  if (value.logo) {
    const bytes = Math.floor((value.logo.data.length * 3) / 4);
    if (bytes > LOGO_MAX_BYTES || value.logo.data.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["logo"],
        params: { code: "LOGO_INVALID" },
        message: FIELD_TEXT.LOGO_INVALID.en,
      });
    }
  }
}

/** Body of "create a server": every field of the seed form is required, except the password when no auth. */
export const createServerSchema = z
  .object({
    ...serverFields,
    password: serverFields.password.optional(),
    signatureHtml: serverFields.signatureHtml.default(""),
    logo: serverFields.logo.default(null),
    priority: serverFields.priority.default(SERVER_PRIORITY_DEFAULT),
    usage: serverFields.usage.default({ mode: "all" }),
  })
  .strict()
  .superRefine((value, ctx) => checkCrossFields(value, ctx, true));
export type CreateServerInput = z.infer<typeof createServerSchema>;

/** Body of "update a server": any subset of fields plus the version read (optimistic concurrency). */
export const updateServerSchema = z
  .object({
    version: versionSchema,
    title: serverFields.title.optional(),
    host: serverFields.host.optional(),
    port: serverFields.port.optional(),
    authentication: serverFields.authentication.optional(),
    security: serverFields.security.optional(),
    mail: serverFields.mail.optional(),
    senderName: serverFields.senderName.optional(),
    username: serverFields.username.optional(),
    password: serverFields.password.optional(),
    usage: serverFields.usage.optional(),
    signatureHtml: serverFields.signatureHtml.optional(),
    logo: serverFields.logo.optional(),
    priority: serverFields.priority.optional(),
  })
  .strict()
  .superRefine((value, ctx) => checkCrossFields(value, ctx, false));
export type UpdateServerInput = z.infer<typeof updateServerSchema>;

export const CONFIRMATION_STATES = ["never_sent", "pending", "confirmed"] as const;
export type ConfirmationState = (typeof CONFIRMATION_STATES)[number];

/** What the API returns for a server. Never the password: only whether one is stored. */
export const serverViewSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  host: z.string(),
  port: z.number().int(),
  authentication: z.enum(AUTH_METHODS),
  security: z.enum(SECURITY_MODES),
  mail: z.string(),
  senderName: z.string(),
  username: z.string(),
  hasPassword: z.boolean(),
  usage: z.discriminatedUnion("mode", [
    z.object({ mode: z.literal("all") }),
    z.object({
      mode: z.literal("custom"),
      departmentIds: z.array(z.number().int()),
      departments: z.array(z.object({ id: z.number().int(), name: z.string() })),
    }),
  ]),
  signatureHtml: z.string(),
  hasLogo: z.boolean(),
  priority: z.number().int(),
  confirmation: z.object({
    state: z.enum(CONFIRMATION_STATES),
    sentAt: z.string().nullable(),
    confirmedAt: z.string().nullable(),
  }),
  lastTest: z.object({ ok: z.boolean(), code: z.string().nullable(), at: z.string() }).nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SmtpServerView = z.infer<typeof serverViewSchema>;

export { SERVER_COLUMNS, type ServerColumn } from "./server-columns.js";

export const LIST_PAGE_SIZE_MAX = 200;

export const listServersQuerySchema = z
  .object({
    q: singleLine().max(200).optional(),
    sort: z.enum(SERVER_COLUMNS).default("id"),
    order: z.enum(["asc", "desc"]).default("asc"),
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(LIST_PAGE_SIZE_MAX).default(50),
  })
  .strict();
export type ListServersQuery = z.infer<typeof listServersQuerySchema>;

export const departmentSchema = z.object({ name: requiredText(80) }).strict();
