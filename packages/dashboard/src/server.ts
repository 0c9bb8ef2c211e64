import { timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '@aira/core';
import { streamLog, tailStart } from './log-stream.js';
import { OutsideRootError, within } from './paths.js';
import { TelemetryHub } from './telemetry.js';
import { ablationView } from './ablation-view.js';
import { candidateView, execLog, jobsView, jobView } from './job-views.js';
import { populationView, studiesView, studyView, workersView } from './study-views.js';
import { Library, NotFound } from './watch.js';

export interface DashboardOptions {
  /** The folder that holds studies (`aira run --out`). */
  runsDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Required of every request when set; `startDashboard` refuses a non-loopback host without one. */
  token?: string | null;
  /** The built web app (defaults to this package's own build). */
  assetsDir?: string;
  /** How often a live log is checked for new output (ms). */
  pollMs?: number;
  /** Ask running workers for their GPU/CPU/memory use (WatchUtilization); on unless false. */
  telemetry?: boolean;
}

export interface Dashboard {
  url: string;
  host: string;
  port: number;
  library: Library;
  close(): Promise<void>;
}

/** The web app's build, made at set-up by `tools/bootstrap.mjs` (vite). */
export const DEFAULT_ASSETS = fileURLToPath(new URL('../web-dist/', import.meta.url));

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h.startsWith('::ffff:127.');
  return false;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const COOKIE = 'aira_token';

/**
 * Serves the dashboard: the JSON API over the runs folder, live exec output as server-sent events,
 * and the built web app. Reads only; a request naming anything outside the runs folder is refused.
 */
export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const host = o.host ?? '127.0.0.1';
  const token = o.token ?? null;
  if (!isLoopback(host) && !token) {
    throw new UserError(
      `--host ${host} is not a loopback address: a token is required`,
      'give --token-file FILE (or keep the default host 127.0.0.1 and use an SSH tunnel)',
    );
  }
  const library = new Library(o.runsDir);
  const assets = o.assetsDir ?? DEFAULT_ASSETS;
  const streams = new Set<() => void>();
  const telemetry = o.telemetry === false ? null : new TelemetryHub();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    // Without a token only loopback names are answered, so a web page cannot reach this server by
    // pointing a name of its own at 127.0.0.1 (DNS rebinding).
    if (!token && !isLoopback(hostOf(req.headers.host)))
      return send(res, 403, {
        error: `Host ${req.headers.host ?? '(none)'} is not a loopback name; without a token only 127.0.0.1, ::1 and localhost are served`,
      });
    if (token && !authorised(req, res, url, token))
      return send(
        res,
        401,
        {
          error: 'a token is required (Authorization: Bearer TOKEN, or open the URL with ?token=TOKEN once)',
        },
        { 'www-authenticate': 'Bearer' },
      );
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, { error: `${req.method} is not served: the dashboard only reads` });
    const q = (k: string) => {
      const v = url.searchParams.get(k);
      if (v === null || v === '') throw new BadRequest(`missing query parameter "${k}"`);
      return v;
    };
    try {
      switch (url.pathname) {
        case '/api/studies':
          return send(res, 200, studiesView(library));
        case '/api/study':
          return send(res, 200, studyView(library, q('id')));
        case '/api/workers':
          return send(res, 200, workersView(library, q('id'), telemetry));
        case '/api/population':
          return send(res, 200, populationView(library, q('id'), q('run')));
        case '/api/jobs':
          return send(res, 200, jobsView(library, q('id'), q('run')));
        case '/api/job':
          return send(res, 200, jobView(library, q('id'), q('run'), q('job')));
        case '/api/candidate':
          return send(res, 200, candidateView(library, q('id'), q('run'), q('candidate')));
        case '/api/ablation':
          return send(res, 200, ablationView(library, q('id')));
        case '/api/log': {
          const src = execLog(library, q('id'), q('run'), q('exec'));
          const last = req.headers['last-event-id'];
          const tail = Number(url.searchParams.get('tail') ?? NaN);
          // A reconnect resumes where it stopped; a fresh view may start near the end of a long log.
          const resuming = typeof last === 'string' && last !== '';
          const fromTail = !resuming && Number.isFinite(tail) && tail > 0;
          const from = resuming
            ? Number(last)
            : fromTail
              ? tailStart(src.path, tail)
              : Number(url.searchParams.get('from') ?? 0);
          const stop = streamLog(res, src, Number.isFinite(from) ? from : 0, {
            pollMs: o.pollMs,
            announceSkip: fromTail,
          });
          streams.add(stop);
          res.on('close', () => streams.delete(stop));
          return;
        }
        default:
          if (url.pathname.startsWith('/api/')) return send(res, 404, { error: `no API ${url.pathname}` });
          return serveAsset(res, assets, url.pathname);
      }
    } catch (err) {
      if (err instanceof OutsideRootError) return send(res, 403, { error: err.message });
      if (err instanceof NotFound) return send(res, 404, { error: err.message });
      if (err instanceof BadRequest || err instanceof UserError)
        return send(res, 400, { error: err.message });
      return send(res, 500, { error: (err as Error).message });
    }
  };

  const server = createServer(handle);
  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.code === 'EADDRINUSE'
          ? new UserError(
              `port ${o.port} on ${host} is already in use`,
              'choose another with --port, or --port 0 for a free one',
            )
          : err,
      ),
    );
    server.listen(o.port ?? 0, host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    host,
    port,
    library,
    close: () =>
      new Promise<void>((ok) => {
        for (const stop of streams) stop();
        telemetry?.close();
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

class BadRequest extends Error {}

/** The name in a Host header without its port ("[::1]:8420" → "::1"). */
function hostOf(header: string | undefined): string {
  if (!header) return '';
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(header) ?? /^([^:]+)(?::\d+)?$/.exec(header);
  return m ? m[1]! : header;
}

function authorised(req: IncomingMessage, res: ServerResponse, url: URL, token: string): boolean {
  const given: string[] = [];
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) given.push(auth.slice(7).trim());
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v) given.push(decodeURIComponent(v));
  }
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) given.push(fromQuery);
  const ok = given.some((g) => same(g, token));
  // A browser opened with ?token= keeps it as a cookie, so the app's own requests and event streams carry it.
  if (ok && fromQuery && same(fromQuery, token))
    res.setHeader('set-cookie', `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
  return ok;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function serveAsset(res: ServerResponse, assets: string, pathname: string): void {
  if (!existsSync(join(assets, 'index.html'))) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(
      `The dashboard's web app is not built (${assets}): run \`npm run setup\`. The JSON API under /api/ works.\n`,
    );
    return;
  }
  let rel: string;
  try {
    rel = decodeURIComponent(pathname).replace(/^\/+/, '');
  } catch {
    return send(res, 400, { error: 'bad path' });
  }
  const path = within(assets, rel === '' ? 'index.html' : rel);
  if (!existsSync(path) || !statSync(path).isFile()) return send(res, 404, { error: `no file ${pathname}` });
  res.writeHead(200, {
    'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
    'cache-control': rel.startsWith('assets/') ? 'max-age=31536000, immutable' : 'no-cache',
  });
  createReadStream(path).pipe(res);
}
