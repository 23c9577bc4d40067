// Request parsing, fault marking and template checks of the Meta simulator (kept apart so the handlers stay short).
import { graphError } from './meta-sim-state';
import type { MetaSimState } from './meta-sim-state';

export async function readJson(request: Request): Promise<Record<string, unknown> | undefined> {
  try {
    const body: unknown = await request.json();
    return body && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

// Injected faults carry `x-mock-fault` so spec validation skips them (test/spec/msw-validation.ts).
export function markFault(response: Response): Response {
  if (response.type === 'error') return response;
  const headers = new Headers(response.headers);
  headers.set('x-mock-fault', '1');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** Pins the spec operation where `/{Version}/{id}` paths are ambiguous (x-mock-operation, msw-validation.ts). */
export function withOperation(response: Response, operationId: string): Response {
  response.headers.set('x-mock-operation', operationId);
  return response;
}

function placeholderCount(text: unknown): number {
  return typeof text === 'string'
    ? new Set([...text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1])).size
    : 0;
}

/** Template send checks as Graph does them: existence (132001), paused/disabled (132015/132016), body parameter count (132000). */
export function checkTemplate(state: MetaSimState, raw: unknown): Response | undefined {
  const t = (raw ?? {}) as {
    name?: string;
    language?: { code?: string };
    components?: { type?: string; parameters?: unknown[] }[];
  };
  const stored = state.templates.find((x) => x.name === t.name && x.language === t.language?.code);
  if (!stored) {
    return graphError(404, 132001, '(#132001) Template name does not exist in the translation', {
      error_data: {
        messaging_product: 'whatsapp',
        details: `template name (${t.name}) does not exist in ${t.language?.code}`,
      },
    });
  }
  if (stored.status === 'PAUSED') return graphError(400, 132015, '(#132015) Template is Paused');
  if (stored.status === 'DISABLED') return graphError(400, 132016, '(#132016) Template is Disabled');
  if (stored.status !== 'APPROVED')
    return graphError(400, 132001, '(#132001) Template name does not exist in the translation');
  const expected = placeholderCount(stored.components.find((c) => c.type.toUpperCase() === 'BODY')?.text);
  const given = t.components?.find((c) => c.type === 'body')?.parameters?.length ?? 0;
  if (expected !== given) {
    return graphError(
      400,
      132000,
      '(#132000) Number of parameters does not match the expected number of params',
      {
        error_data: {
          messaging_product: 'whatsapp',
          details: `body: number of localizable_params (${given}) does not match the expected number of params (${expected})`,
        },
      },
    );
  }
  return undefined;
}
