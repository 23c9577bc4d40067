// Checks every msw-mocked exchange with a vendor against that vendor's OpenAPI spec (DESIGN.md §7).
import type { SetupServer } from 'msw/node';
import { validateRequest, validateResponse } from './openapi';
import type { SpecError, OperationRef } from './openapi';

export interface VendorBase {
  /** URL prefix (`https://graph.facebook.com`, `http://127.0.0.1:8787/mock/meta`) or a RegExp matched at the start. */
  baseUrl: string | RegExp;
  /** Spec name (`meta`, `twilio`, `highlevel`, `pipedrive`, ...), or null to skip a vendor without a spec (CM.com). */
  spec: string | null;
}

export interface SpecValidationOptions {
  vendorBases: VendorBase[];
  /** Validate the requests our adapters send, too (default true). */
  validateRequests?: boolean;
  /** Statuses a vendor may answer without documenting them. Default: 429 and 5xx (fault injection). */
  allowUndocumentedStatus?: (status: number) => boolean;
  /** Exchanges not to check at all. Default: responses carrying an `x-mock-fault` header. */
  skip?: (request: Request, response: Response) => boolean;
}

export interface SpecViolation {
  spec: string;
  phase: 'request' | 'response';
  method: string;
  url: string;
  status?: number;
  operation?: OperationRef;
  errors: SpecError[];
}

export interface SpecValidation {
  /** Violations recorded so far (exchanges still being read are not included; see `settled`). */
  violations(): SpecViolation[];
  /** Resolves when every exchange seen so far has been validated. */
  settled(): Promise<void>;
  /** Waits for pending validations, then throws a readable error listing every violation. */
  assertNoViolations(): Promise<void>;
  /** Forget recorded violations (e.g. in afterEach after asserting). */
  reset(): void;
  /** Stop listening. */
  detach(): void;
}

/** Production hosts. Tests and local mode usually pass their own bases instead (or in addition). */
export const productionVendorBases: VendorBase[] = [
  { baseUrl: 'https://graph.facebook.com', spec: 'meta' },
  { baseUrl: 'https://api.twilio.com', spec: 'twilio' },
  { baseUrl: 'https://content.twilio.com', spec: 'twilio' },
  { baseUrl: 'https://services.leadconnectorhq.com', spec: 'highlevel' },
  { baseUrl: 'https://api.pipedrive.com', spec: 'pipedrive' },
  { baseUrl: /^https:\/\/[a-z0-9-]+\.pipedrive\.com/i, spec: 'pipedrive' },
  { baseUrl: 'https://gw.cmtelecom.com', spec: null },
];

export const FAULT_HEADER = 'x-mock-fault';
/** Response header a simulator may set to pin the spec operation (e.g. `getPhoneNumberById`) when paths are ambiguous. */
export const OPERATION_HEADER = 'x-mock-operation';

const defaultAllowUndocumented = (status: number): boolean => status === 429 || status >= 500;

/** Finds the vendor base a URL belongs to; returns the matched prefix (used to strip test base paths). */
export function matchVendor(
  url: string,
  bases: VendorBase[],
): { spec: string | null; prefix: string } | undefined {
  for (const base of bases) {
    if (typeof base.baseUrl === 'string') {
      const prefix = base.baseUrl.replace(/\/+$/, '');
      if (url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`)) {
        return { spec: base.spec, prefix };
      }
    } else {
      const m = base.baseUrl.exec(url);
      if (m && m.index === 0) return { spec: base.spec, prefix: m[0] };
    }
  }
  return undefined;
}

export function attachSpecValidation(
  server: Pick<SetupServer, 'events'>,
  options: SpecValidationOptions,
): SpecValidation {
  const recorded: SpecViolation[] = [];
  const pending = new Set<Promise<void>>();
  const validateRequests = options.validateRequests ?? true;
  const allowUndocumentedStatus = options.allowUndocumentedStatus ?? defaultAllowUndocumented;
  const skip = options.skip ?? ((_req: Request, res: Response) => res.headers.has(FAULT_HEADER));

  // By `response:mocked` the request body has been consumed, so it is read at `request:start`.
  const requestBodies = new Map<string, Promise<RequestBody>>();

  const check = async (
    request: Request,
    requestBody: Promise<RequestBody> | undefined,
    response: Response,
    spec: string,
    prefix: string,
  ): Promise<void> => {
    const method = request.method;
    const url = request.url;
    // A prefix with a path (`http://localhost/mock/meta`) is stripped before matching templates.
    const baseUrl = prefix;
    const operationId = response.headers.get(OPERATION_HEADER) ?? undefined;
    try {
      if (validateRequests) {
        const { body, contentType } = (await requestBody) ?? { body: undefined, contentType: undefined };
        const result = validateRequest(spec, { method, url, baseUrl, contentType, body, operationId });
        if (!result.ok) {
          recorded.push({
            spec,
            phase: 'request',
            method,
            url,
            operation: result.operation,
            errors: result.errors,
          });
        }
      }
      const status = response.status;
      const contentType = response.headers.get('content-type') ?? undefined;
      const body = status === 204 || status === 304 ? undefined : await response.clone().text();
      const result = validateResponse(
        spec,
        { method, url, baseUrl, status, contentType, body, operationId },
        { allowUndocumentedStatus },
      );
      if (!result.ok) {
        recorded.push({
          spec,
          phase: 'response',
          method,
          url,
          status,
          operation: result.operation,
          errors: result.errors,
        });
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      recorded.push({ spec, phase: 'response', method, url, errors: [{ path: 'validator', message }] });
    }
  };

  const onStart = ({ request, requestId }: { request: Request; requestId: string }): void => {
    const vendor = matchVendor(request.url, options.vendorBases);
    if (!validateRequests || !vendor || vendor.spec === null) return;
    requestBodies.set(requestId, readRequestBody(request.clone() as Request));
  };
  const onDone = ({ requestId }: { requestId: string }): void => {
    requestBodies.delete(requestId);
  };
  const onMocked = ({
    request,
    requestId,
    response,
  }: {
    request: Request;
    requestId: string;
    response: Response;
  }) => {
    const requestBody = requestBodies.get(requestId);
    requestBodies.delete(requestId);
    const vendor = matchVendor(request.url, options.vendorBases);
    if (!vendor || vendor.spec === null || skip(request, response)) return;
    const p = check(request, requestBody, response, vendor.spec, vendor.prefix).finally(() =>
      pending.delete(p),
    );
    pending.add(p);
  };
  server.events.on('request:start', onStart);
  server.events.on('response:mocked', onMocked);
  server.events.on('request:unhandled', onDone);
  server.events.on('response:bypass', onDone);

  const settled = async (): Promise<void> => {
    while (pending.size > 0) await Promise.all([...pending]);
  };

  return {
    violations: () => [...recorded],
    settled,
    async assertNoViolations() {
      await settled();
      if (recorded.length === 0) return;
      throw new Error(`OpenAPI spec violations in mocked vendor traffic:\n${formatViolations(recorded)}`);
    },
    reset: () => {
      recorded.length = 0;
    },
    detach: () => {
      server.events.removeListener('request:start', onStart);
      server.events.removeListener('response:mocked', onMocked);
      server.events.removeListener('request:unhandled', onDone);
      server.events.removeListener('response:bypass', onDone);
    },
  };
}

interface RequestBody {
  body: string | FormData | undefined;
  contentType: string | undefined;
}

async function readRequestBody(request: Request): Promise<RequestBody> {
  const contentType = request.headers.get('content-type') ?? undefined;
  if (!request.body) return { body: undefined, contentType };
  if (contentType?.startsWith('multipart/')) return { body: await request.formData(), contentType };
  return { body: await request.text(), contentType };
}

export function formatViolations(violations: SpecViolation[]): string {
  return violations
    .map((v) => {
      const op = v.operation ? ` [${v.operation.operationId ?? v.operation.path}]` : '';
      const head = `${v.phase} ${v.method} ${v.url}${v.status === undefined ? '' : ` -> ${v.status}`} (${v.spec})${op}`;
      return [head, ...v.errors.map((e) => `    ${e.path}: ${e.message}`)].join('\n');
    })
    .join('\n');
}
