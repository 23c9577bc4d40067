// Request body readers: size limit, strict UTF-8, content type, zod. Bad input is always a 4xx envelope.
import type { Context } from 'hono';
import * as z from 'zod/mini';
import { AppError } from '../core/errors';
import { zodDetails } from './errors';

const RAW_BODY = 'rawBody';

/** Raw body as text, read once and cached (signatures need the exact bytes). */
export async function readRawBody(c: Context, maxBytes: number): Promise<string> {
  const cached = c.get(RAW_BODY as never) as string | undefined;
  if (cached !== undefined) return cached;
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > maxBytes) throw new AppError('payload_too_large', `Body exceeds ${maxBytes} bytes`);
  const bytes = await readLimited(c.req.raw, maxBytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('invalid_request', 'Body is not valid UTF-8');
  }
  c.set(RAW_BODY as never, text as never);
  return text;
}

async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new AppError('payload_too_large', `Body exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function mediaType(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

export function requireContentType(c: Context, expected: string): void {
  if (mediaType(c) !== expected) {
    throw new AppError('unsupported_media_type', `Content-Type must be ${expected}`, {
      received: mediaType(c) || null,
    });
  }
}

export function parseWith<S extends z.core.$ZodType>(schema: S, value: unknown, what = 'body'): z.output<S> {
  // The function form takes any zod schema (zod/mini or classic): core schemas have no methods.
  const result = z.safeParse(schema, value);
  if (!result.success) throw new AppError('invalid_request', `Invalid ${what}`, zodDetails(result.error));
  return result.data;
}

export async function readJson(c: Context, maxBytes: number): Promise<unknown> {
  requireContentType(c, 'application/json');
  const text = await readRawBody(c, maxBytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid_request', 'Body is not valid JSON');
  }
}

export async function jsonBody<S extends z.core.$ZodType>(
  c: Context,
  schema: S,
  maxBytes: number,
): Promise<z.output<S>> {
  return parseWith(schema, await readJson(c, maxBytes));
}

/** application/x-www-form-urlencoded → flat record (Twilio webhooks). */
export async function formBody(c: Context, maxBytes: number): Promise<Record<string, string>> {
  requireContentType(c, 'application/x-www-form-urlencoded');
  const text = await readRawBody(c, maxBytes);
  return Object.fromEntries(new URLSearchParams(text));
}

export function queryWith<S extends z.core.$ZodType>(c: Context, schema: S): z.output<S> {
  return parseWith(schema, c.req.query(), 'query');
}

export function paramsWith<S extends z.core.$ZodType>(c: Context, schema: S): z.output<S> {
  return parseWith(schema, c.req.param(), 'path');
}
