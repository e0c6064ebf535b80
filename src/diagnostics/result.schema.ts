import { z } from "zod";
import { diagnosticsErrors, type ProbeFailureCode } from "../domain/codes/diagnostics.js";
import { emailSchema, hostSchema, portSchema } from "../domain/smtp-server.js";
import { SECURITY_MODES } from "../domain/ports.js";
import { singleLine } from "../domain/text.js";

/** zod mirror of ProbeResult (result.ts): validates API responses and documents them in OpenAPI. */
const probeFailureCodes = Object.keys(diagnosticsErrors).filter(
  (c) => c !== "TARGET_INVALID" && c !== "BULK_RUN_NOT_FOUND",
) as [ProbeFailureCode, ...ProbeFailureCode[]];
const failureCodeSchema = z.enum(probeFailureCodes);
const localized = z.object({ fr: z.string(), en: z.string() });
const securitySchema = z.enum(SECURITY_MODES);

export const probeResultSchema = z.object({
  protocol: z.enum(["smtp", "imap", "pop3"]),
  host: z.string(),
  port: z.number().int(),
  security: securitySchema,
  ok: z.boolean(),
  startedAt: z.string(),
  durationMs: z.number(),
  dns: z.object({ addresses: z.array(z.string()), used: z.string().nullable(), ms: z.number() }).nullable(),
  tls: z
    .object({
      mode: z.enum(["implicit", "starttls"]),
      version: z.string().nullable(),
      cipher: z.string().nullable(),
      certificate: z
        .object({
          subject: z.string(),
          subjectAltNames: z.array(z.string()),
          issuer: z.string(),
          validFrom: z.string(),
          validTo: z.string(),
          fingerprint256: z.string(),
          selfSigned: z.boolean(),
        })
        .nullable(),
      authorized: z.boolean(),
      authorizationError: z.string().nullable(),
    })
    .nullable(),
  capabilities: z
    .object({
      raw: z.array(z.string()),
      starttls: z.boolean(),
      authMechanisms: z.array(z.string()),
      sizeLimit: z.number().nullable(),
      pipelining: z.boolean(),
      eightBitMime: z.boolean(),
      smtpUtf8: z.boolean(),
      enhancedStatusCodes: z.boolean(),
      loginDisabled: z.boolean(),
    })
    .nullable(),
  authenticated: z.boolean(),
  mailbox: z
    .object({
      mailboxes: z.number().optional(),
      messages: z.number().optional(),
      octets: z.number().optional(),
    })
    .nullable(),
  steps: z.array(
    z.object({ name: z.string(), ok: z.boolean(), ms: z.number(), detail: z.string().optional() }),
  ),
  transcript: z.array(
    z.object({
      at: z.number(),
      dir: z.enum(["send", "recv", "info", "error"]),
      tls: z.boolean(),
      text: z.string(),
    }),
  ),
  failure: z
    .object({
      code: failureCodeSchema,
      diagnosis: localized,
      fix: localized,
      temporary: z.boolean(),
      step: z.string(),
      reply: z.string().nullable(),
    })
    .nullable(),
  warnings: z.array(z.object({ code: z.string(), fr: z.string(), en: z.string() })),
  alternatives: z.array(
    z.object({
      port: z.number().int(),
      security: securitySchema,
      ok: z.boolean(),
      code: failureCodeSchema.nullable(),
      ms: z.number(),
      certificateOk: z.boolean().nullable(),
    }),
  ),
  suggestion: z.object({ port: z.number().int(), security: securitySchema }).nullable(),
});

/** Body of the ad-hoc test: settings not stored yet (a form being filled). Passwords are write-only. */
export const adHocTestSchema = z
  .object({
    protocol: z.enum(["smtp", "imap", "pop3"]),
    host: hostSchema,
    port: portSchema,
    security: securitySchema,
    user: singleLine().min(1).max(320).optional(),
    password: singleLine().min(1).max(1024).optional(),
    from: emailSchema.optional(),
    to: emailSchema.optional(),
    acceptInvalidCertificate: z.boolean().optional(),
    tryAlternatives: z.boolean().optional(),
  })
  .strict();

export const storedServerTestSchema = z
  .object({ to: emailSchema.optional(), tryAlternatives: z.boolean().optional() })
  .strict();

export const bulkRunSchema = z.object({
  id: z.number().int(),
  status: z.enum(["running", "done"]),
  total: z.number().int(),
  done: z.number().int(),
  ok: z.number().int(),
  concurrency: z.number().int(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
