/**
 * Serves a built front end (the dashboard) from a folder under a URL prefix. The files hold no data —
 * the page reads the admin API, which checks the admin key — so they are served without auth; a browser
 * cannot attach a bearer token to a page load anyway.
 *
 * Vite names every asset after its content hash, so /assets/* may be cached for a year; index.html must
 * be revalidated so a new build is picked up.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { GatewayError } from '../spec/errors.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Everything the page needs is same-origin; nothing may load from elsewhere (it must work offline anyway). */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface StaticFilesOptions {
  /** URL prefix without a trailing slash, e.g. `/dashboard`. */
  prefix: string;
  /** Folder with index.html. */
  root: string;
  /** Shown in the 404 when the folder has no index.html (e.g. "run npm run build:dashboard"). */
  missingHint?: string;
}

/** Returns a handler, or null when the path is not under the prefix (so the caller routes it elsewhere). */
export function staticFiles(options: StaticFilesOptions): (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void> | null {
  const root = normalize(options.root + sep);
  return function serveStaticFile(req, res, path) {
    if (path !== options.prefix && !path.startsWith(`${options.prefix}/`)) return null;
    return (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new GatewayError({ status: 405, code: 'method_not_allowed', message: `${req.method ?? ''} is not allowed on ${path}; use GET.` });
      }
      const file = resolveFile(root, path.slice(options.prefix.length));
      const info = await stat(file).catch(() => null);
      if (info === null || !info.isFile()) {
        const hint = file === join(root, 'index.html') && options.missingHint ? ` ${options.missingHint}` : '';
        throw new GatewayError({ status: 404, code: 'not_found', message: `No file ${path}.${hint}` });
      }
      const body = await readFile(file);
      const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
      const immutable = file.startsWith(join(root, 'assets') + sep);
      res.setHeader('etag', etag);
      res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
      res.setHeader('referrer-policy', 'no-referrer');
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304).end();
        return;
      }
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': body.length,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    })();
  };
}

/** Maps the part of the URL after the prefix to a file inside root, refusing anything that escapes it. */
function resolveFile(root: string, rest: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    throw new GatewayError({ status: 400, code: 'invalid_path', message: 'The path is not valid percent-encoding.' });
  }
  if (decoded.includes('\0') || decoded.includes('\\'))
    throw new GatewayError({ status: 400, code: 'invalid_path', message: 'The path has characters not allowed in a file name.' });
  const relative = decoded === '' || decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = normalize(join(root, relative));
  if (!file.startsWith(root)) throw new GatewayError({ status: 404, code: 'not_found', message: 'No such file.' });
  return file;
}
