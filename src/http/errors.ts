import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import {
  ERRORS,
  FacteurError,
  isFacteurError,
  type ErrorCode,
  type FieldIssue,
  type Lang,
} from "../domain/errors.js";

/** The one error body of the API: a stable code, the message in the request's language, and both texts. */
export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    messages: { fr: string; en: string };
    details?: FieldIssue[];
    requestId: string;
  };
}

export function errorBody(
  code: ErrorCode,
  lang: Lang,
  requestId: string,
  details?: FieldIssue[],
): ApiErrorBody {
  const definition = ERRORS[code];
  return {
    error: {
      code,
      message: definition[lang],
      messages: { fr: definition.fr, en: definition.en },
      ...(details && details.length > 0 ? { details } : {}),
      requestId,
    },
  };
}

/** Fastify's own error codes → ours. Anything unknown becomes INTERNAL (500) and is logged. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "INVALID_JSON",
  FST_ERR_CTP_EMPTY_JSON_BODY: "INVALID_JSON",
  FST_ERR_CTP_BODY_TOO_LARGE: "BODY_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "INVALID_JSON",
  FST_ERR_CTP_INVALID_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_RATE_LIMIT: "RATE_LIMITED",
  FST_ERR_BAD_URL: "URL_INVALID",
  FST_ERR_MAX_PARAM_LENGTH: "URL_PARAMETER_TOO_LONG",
};

export function toFacteurError(error: FastifyError | Error): FacteurError {
  if (isFacteurError(error)) return error;
  const fastifyCode = (error as FastifyError).code;
  const status = (error as FastifyError).statusCode;
  if (fastifyCode && FASTIFY_CODES[fastifyCode])
    return new FacteurError(FASTIFY_CODES[fastifyCode]!, { cause: error });
  if (status === 429) return new FacteurError("RATE_LIMITED", { cause: error });
  if (error instanceof SyntaxError || (status === 400 && /JSON/i.test(error.message))) {
    return new FacteurError("INVALID_JSON", { cause: error });
  }
  if (status === 413) return new FacteurError("BODY_TOO_LARGE", { cause: error });
  if (status === 415) return new FacteurError("UNSUPPORTED_MEDIA_TYPE", { cause: error });
  if (status === 404) return new FacteurError("NOT_FOUND", { cause: error });
  return new FacteurError("INTERNAL", { cause: error });
}

export async function handleError(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  let facteurError = toFacteurError(error);
  if (request.recheckApiKey && facteurError.code !== "UNAUTHENTICATED" && !(await request.recheckApiKey()))
    facteurError = new FacteurError("UNAUTHENTICATED");
  if (facteurError.status >= 500) {
    request.log.error({ err: error }, "request failed");
  } else {
    request.log.info({ code: facteurError.code }, "request refused");
  }
  const details = facteurError.details?.map((d) => {
    const context = (error as { validationContext?: string }).validationContext;
    return context && context !== "body" ? { ...d, path: d.path ? `${context}.${d.path}` : context } : d;
  });
  if (facteurError.code === "RATE_LIMITED") {
    const retry = reply.getHeader("retry-after");
    if (retry !== undefined) reply.header("retry-after", retry);
  }
  await reply
    .status(facteurError.status)
    .send(errorBody(facteurError.code, request.lang ?? "fr", String(request.id), details));
}
