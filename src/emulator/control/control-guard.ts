// What keeps a web page in the user's browser from driving the control API of a local
// emulator (DNS rebinding, "simple" cross-site POSTs) and from reaching files outside the
// emulator's own state: the Host must name the emulator, writes must be JSON, and state files
// stay under the paths given at start.

import { isIP } from 'node:net';
import { resolve, sep } from 'node:path';
import type { MiddlewareHandler } from 'hono';

/** A control-API refusal: HTTP status, a snake_case code and a message that names the fix. */
export class ControlError extends Error {
  readonly status: 400 | 403 | 404 | 409 | 415;
  readonly code: string;
  constructor(status: 400 | 403 | 404 | 409 | 415, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Where the control API may read and write state files. */
export interface StatePaths {
  /** The `--state` file; the default of `state/save` and `state/load`. */
  file?: string;
  /** Any file directly or deeper under this directory. */
  dir?: string;
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

function hostName(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
}

/** Host headers the control API answers: the emulator's own base URLs and their loopback aliases. */
export class HostAllowList {
  #hosts = new Set<string>();
  #wildcardPorts = new Set<string>();

  /** Allows the host of `baseUrl` (`http://127.0.0.1:4010` also allows `localhost:4010`). */
  add(baseUrl: string, listenHost?: string): void {
    const url = new URL(baseUrl);
    this.#hosts.add(url.host.toLowerCase());
    const name = hostName(url.host.toLowerCase());
    const wildcard = listenHost !== undefined && WILDCARD.has(listenHost);
    if (LOOPBACK.includes(name) || wildcard) {
      for (const alias of LOOPBACK) this.#hosts.add(url.port ? `${alias}:${url.port}` : alias);
    }
    if (wildcard) this.#wildcardPorts.add(url.port);
  }

  /** A server bound to every interface also answers any IP literal (no name to rebind). */
  allows(host: string): boolean {
    const lower = host.toLowerCase();
    if (this.#hosts.has(lower)) return true;
    const name = hostName(lower).replace(/^\[|\]$/g, '');
    const port = lower.slice(hostName(lower).length + 1);
    return isIP(name) !== 0 && this.#wildcardPorts.has(port);
  }
}

/**
 * Refuses foreign Host headers on socket requests (in-process calls come from the user's own
 * code, which no web page can reach), and POST/PUT bodies that are not `application/json`.
 */
export function guardControl(hosts: HostAllowList): MiddlewareHandler {
  return async (c, next) => {
    const viaSocket = typeof c.env === 'object' && c.env !== null && 'incoming' in c.env;
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (viaSocket && !hosts.allows(host)) {
      throw new ControlError(
        403,
        'host_not_allowed',
        `The control API answers only requests addressed to the emulator itself; Host "${host}" is not one of its addresses.`,
      );
    }
    const method = c.req.method.toUpperCase();
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if ((method === 'POST' || method === 'PUT') && type !== 'application/json') {
      throw new ControlError(
        415,
        'unsupported_media_type',
        `${method} ${new URL(c.req.url).pathname} needs "content-type: application/json" (got "${type || 'none'}").`,
      );
    }
    await next();
  };
}

/** The absolute path a state route may use for `file` (or the `--state` file when omitted). */
export function confineStatePath(paths: StatePaths, file: string | undefined): string {
  if (file === undefined) {
    if (paths.file) return resolve(paths.file);
    throw new ControlError(
      400,
      'state_path_missing',
      'Give "file", or start the emulator with --state <file> or --state-dir <dir>.',
    );
  }
  const wanted = resolve(paths.dir ?? '.', file);
  if (paths.file && wanted === resolve(paths.file)) return wanted;
  if (paths.dir && wanted.startsWith(resolve(paths.dir) + sep)) return wanted;
  throw new ControlError(
    403,
    'state_path_not_allowed',
    paths.file || paths.dir
      ? `State files must be the --state file${paths.dir ? ' or lie under the --state-dir directory' : ''}; "${file}" is neither.`
      : 'This emulator was started without --state or --state-dir, so the control API reads and writes no files.',
  );
}
