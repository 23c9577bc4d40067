// Serves msw handlers over real HTTP on loopback (local mode, browser tests): the same handlers the unit tests
// use, so what a person clicks through locally is what CI asserts. node:http in, Fetch Request/Response inside.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse } from 'msw';
import type { RequestHandler } from 'msw';

/** Answers `/_sim/*` requests (local-mode controls); undefined falls through to the vendor handlers. */
export type ControlHandler = (request: Request) => Promise<Response | undefined>;

export interface SimulatorServerOptions {
  handlers: RequestHandler[];
  /** Loopback only by default: the simulator accepts any credentials it was seeded with. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  control?: ControlHandler;
  /** Called for each request (method, path, status), e.g. to log in local mode. */
  onRequest?: (entry: { method: string; path: string; status: number }) => void;
}

export interface SimulatorServer {
  origin: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

// Workers and DOM typings both declare Request; at runtime it is Node's one Fetch Request.
type MswRequest = Parameters<typeof getResponse>[1];

const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD']);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** IncomingMessage → Fetch Request with the absolute URL the handlers were registered for. */
export async function toFetchRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? 'GET';
  const body = METHODS_WITHOUT_BODY.has(method) ? undefined : await readBody(req);
  return new Request(new URL(req.url ?? '/', origin), {
    method,
    headers,
    ...(body && body.length > 0 ? { body: new Uint8Array(body) } : {}),
  });
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  // msw's HttpResponse.error() (an injected network failure): drop the connection like a dead upstream would.
  if (response.type === 'error') {
    res.destroy();
    return;
  }
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    // The body is re-sent whole and decoded: these would describe the wrong bytes.
    if (name === 'content-length' || name === 'content-encoding' || name === 'transfer-encoding') return;
    headers[name] = value;
  });
  const setCookies = response.headers.getSetCookie();
  if (setCookies.length > 0) headers['set-cookie'] = setCookies;
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, response.statusText, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}

const notHandled = (request: Request) =>
  Response.json(
    {
      error: {
        code: 'not_found',
        message: `No simulator handler for ${request.method} ${new URL(request.url).pathname}`,
      },
    },
    { status: 404 },
  );

export async function startSimulatorServer(options: SimulatorServerOptions): Promise<SimulatorServer> {
  const host = options.host ?? '127.0.0.1';
  let origin = '';
  const server = createServer((req, res) => {
    void (async () => {
      let status = 500;
      let path = req.url ?? '/';
      try {
        const request = await toFetchRequest(req, origin);
        path = new URL(request.url).pathname;
        const control = path.startsWith('/_sim/') ? await options.control?.(request) : undefined;
        // getResponse consumes the request it is given; keep the original for the 404 message.
        const response =
          control ??
          (await getResponse(options.handlers, request.clone() as MswRequest)) ??
          notHandled(request);
        status = response.status;
        await writeResponse(res, response);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'simulator_error', message } }));
        } else res.destroy();
      } finally {
        options.onRequest?.({ method: req.method ?? 'GET', path, status });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${host}:${port}`;
  return {
    origin,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
