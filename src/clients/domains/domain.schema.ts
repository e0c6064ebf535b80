import { z } from "zod";
import { AUTH_METHODS, SECURITY_MODES } from "../../domain/ports.js";
import { hostSchema, portSchema } from "../../domain/smtp-server.js";
import { singleLine, singleLineText } from "../../domain/text.js";
import { USERNAME_FORMS, USERNAME_PLACEHOLDERS } from "../model.js";
import { idSchema, versionSchema } from "../../domain/id.js";

/** Zod schemas of mail domains, shared by the API, the CLI and the UI form. */
export const DISPLAY_NAME_MAX = 120;
export const USERNAME_TEMPLATE_MAX = 320; // an address is at most 254; leave room for a prefix/suffix
export const SERVERS_PER_DIRECTION_MAX = 8; // a profile lists a few alternatives, not a farm

export const domainNameSchema = hostSchema.refine((name) => name.includes(".") && !/^[\d.]+$/.test(name), {
  params: { code: "HOST_INVALID" },
  message: "A mail domain has at least two labels (example.com).",
});

const usernameTemplateSchema = singleLine()
  .trim()
  .min(1)
  .max(USERNAME_TEMPLATE_MAX)
  .refine(
    (value) =>
      (value.match(/%[A-Z]+%/g) ?? []).every((p) => (USERNAME_PLACEHOLDERS as readonly string[]).includes(p)),
    {
      message: `Only ${USERNAME_PLACEHOLDERS.join(", ")} may be used.`,
    },
  );

const serverFields = {
  host: hostSchema,
  /** Defaults to the usual port of the protocol and security (DEFAULT_PORTS). */
  port: portSchema.optional(),
  security: z.enum(SECURITY_MODES),
  authentication: z.enum(AUTH_METHODS).default("password"),
  usernameForm: z.enum(USERNAME_FORMS).default("address"),
  usernameTemplate: usernameTemplateSchema.optional(),
};

function requireTemplate(
  value: { usernameForm: string; usernameTemplate?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if (value.usernameForm === "custom" && !value.usernameTemplate) {
    ctx.addIssue({
      code: "custom",
      path: ["usernameTemplate"],
      message: "Required for a custom username form.",
    });
  }
}

export const incomingServerSchema = z
  .object({ protocol: z.enum(["imap", "pop3"]), ...serverFields })
  .strict()
  .superRefine(requireTemplate);

export const outgoingServerSchema = z
  .object({
    protocol: z.literal("smtp").default("smtp"),
    ...serverFields,
    /** Optional link to a registry SMTP server (smtp_servers.id). */
    registryServerId: idSchema.nullable().optional(),
  })
  .strict()
  .superRefine(requireTemplate);

export const createDomainSchema = z
  .object({
    name: domainNameSchema,
    displayName: singleLineText(DISPLAY_NAME_MAX).optional(),
    incoming: z.array(incomingServerSchema).min(1).max(SERVERS_PER_DIRECTION_MAX),
    outgoing: z.array(outgoingServerSchema).min(1).max(SERVERS_PER_DIRECTION_MAX),
  })
  .strict();
export type CreateDomainInput = z.input<typeof createDomainSchema>;
export type CreateDomainParsed = z.output<typeof createDomainSchema>;

/** Replace any part of a domain; `version` is the one read (optimistic concurrency). */
export const updateDomainSchema = z
  .object({
    version: versionSchema,
    name: domainNameSchema.optional(),
    displayName: singleLineText(DISPLAY_NAME_MAX).optional(),
    incoming: z.array(incomingServerSchema).min(1).max(SERVERS_PER_DIRECTION_MAX).optional(),
    outgoing: z.array(outgoingServerSchema).min(1).max(SERVERS_PER_DIRECTION_MAX).optional(),
  })
  .strict();
export type UpdateDomainInput = z.input<typeof updateDomainSchema>;

const serverViewSchema = z.object({
  protocol: z.enum(["imap", "pop3", "smtp"]),
  host: z.string(),
  port: z.number().int(),
  security: z.enum(SECURITY_MODES),
  authentication: z.enum(AUTH_METHODS),
  usernameForm: z.enum(USERNAME_FORMS),
  usernameTemplate: z.string(),
  registryServerId: z.number().int().nullable(),
  warnings: z.array(z.object({ code: z.string(), fr: z.string(), en: z.string() })),
});

export const domainViewSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  displayName: z.string(),
  incoming: z.array(serverViewSchema),
  outgoing: z.array(serverViewSchema),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type MailDomainView = z.infer<typeof domainViewSchema>;
export type DomainServerView = z.infer<typeof serverViewSchema>;
