import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyBaseLogger } from "fastify";
import type { ErrorCode } from "../domain/errors.js";
import { errorBody } from "./errors.js";

/** Node's parser error codes (see llhttp) → ours; everything else is a malformed request (400). */
function codeOf(error: NodeJS.ErrnoException): ErrorCode {
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") return "HTTP_REQUEST_TIMEOUT";
  if (error.code === "HPE_HEADER_OVERFLOW") return "HTTP_HEADERS_TOO_LARGE";
  return "HTTP_REQUEST_MALFORMED";
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses before Fastify sees it (invalid or
 * conflicting Content-Length, bytes after a body shorter than announced, bad header characters…) gets the
 * API's JSON error body, not Node's bare `400 Bad Request`. The connection is then closed: after a framing
 * error nothing else on it can be trusted.
 */
export function clientErrorHandler(logger: FastifyBaseLogger) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === "ECONNRESET" || socket.destroyed) return;
    const code = codeOf(error);
    const requestId = `client-${randomUUID()}`;
    const body = JSON.stringify(errorBody(code, "fr", requestId));
    const status = code === "HTTP_REQUEST_TIMEOUT" ? 408 : code === "HTTP_HEADERS_TOO_LARGE" ? 431 : 400;
    logger.info({ code, parserCode: error.code, requestId }, "request refused by the HTTP parser");
    // A response already being written on this connection (pipelining) must not be interleaved with ours.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          `X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
