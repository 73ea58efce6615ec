import * as tf from '../tf';
import { InputError, describeValue } from '../errors';

/**
 * Backends we know, fastest first. User-facing names (CLI `--backend`, `TFJS_BACKEND`):
 * - `node-gpu`: `@tensorflow/tfjs-node-gpu` (libtensorflow with CUDA; tfjs backend `tensorflow`);
 * - `node`: `@tensorflow/tfjs-node` (libtensorflow on CPU; tfjs backend `tensorflow`);
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` (WebAssembly SIMD, portable, always installed);
 * - `cpu`: the plain-JavaScript backend bundled with `@tensorflow/tfjs` (slowest, always works).
 */
export const BACKEND_ORDER = ['node-gpu', 'node', 'wasm', 'cpu'] as const;

/** One of {@link BACKEND_ORDER}. */
export type BackendName = (typeof BACKEND_ORDER)[number];

/** Environment variable that overrides the automatic choice (same values as {@link BackendName}, or `auto`). */
export const BACKEND_ENV_VAR = 'TFJS_BACKEND';

/** A faster backend that was not used, and why. */
export interface SkippedBackend {
  readonly backend: BackendName;
  readonly reason: string;
}

/** What {@link selectBackend} chose. Serialisable: it goes into every run's metadata. */
export interface BackendInfo {
  /** The backend in use. */
  readonly backend: BackendName;
  /** The tfjs backend name (`tf.getBackend()` after selection): `tensorflow`, `wasm` or `cpu`. */
  readonly tfjsBackend: string;
  /** Why it was chosen: `auto`, `option` or `env` (`TFJS_BACKEND`). */
  readonly requestedBy: 'auto' | 'option' | 'env';
  /** Each faster backend that was skipped, with the reason (not installed, failed to load, ...). */
  readonly skipped: readonly SkippedBackend[];
  /** `@tensorflow/tfjs` version. */
  readonly tfjsVersion: string;
  /** One line for logs: `backend: wasm (auto; skipped node-gpu: not installed, node: not installed)`. */
  readonly summary: string;
}

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /**
   * Backend to use, or `auto` for the fastest that loads. An explicit backend that cannot load is
   * an error, never a silent fallback.
   * @defaultValue the `TFJS_BACKEND` environment variable, else `auto`
   */
  readonly backend?: BackendName | 'auto';
  /** Environment to read `TFJS_BACKEND` from. @defaultValue `process.env` */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Module loader, injectable for tests. @defaultValue Node's `require`
   * @internal
   */
  readonly requireModule?: (id: string) => unknown;
}

const NODE_PACKAGES: Readonly<Record<'node-gpu' | 'node', string>> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
};

/** Validates a user-supplied backend name. @throws InputError naming `argument` and the value. */
export function parseBackendName(value: unknown, argument: string): BackendName | 'auto' {
  if (value === 'auto' || (BACKEND_ORDER as readonly unknown[]).includes(value)) {
    return value as BackendName | 'auto';
  }
  throw new InputError(
    `${argument} must be one of auto, ${BACKEND_ORDER.join(', ')}; got ${describeValue(value)}`,
    { argument, value },
  );
}

function loadFailure(error: unknown, pkg: string): string {
  const err = error as { code?: string; message?: string };
  if (err?.code === 'MODULE_NOT_FOUND' && String(err.message ?? '').includes(pkg)) {
    return `not installed (${pkg})`;
  }
  const first = String(err?.message ?? error).split('\n')[0];
  return `failed to load (${first})`;
}

async function tryBackend(
  name: BackendName,
  requireModule: (id: string) => unknown,
): Promise<string | null> {
  if (name === 'node-gpu' || name === 'node') {
    const pkg = NODE_PACKAGES[name];
    try {
      requireModule(pkg);
    } catch (error) {
      return loadFailure(error, pkg);
    }
    // Both packages register the same tfjs backend name; loading one is enough.
    if (tf.findBackendFactory('tensorflow') === null) {
      return `${pkg} loaded but registered no 'tensorflow' backend`;
    }
    return (await tf.setBackend('tensorflow')) ? null : `tf.setBackend('tensorflow') failed`;
  }
  if (name === 'wasm') {
    try {
      requireModule('@tensorflow/tfjs-backend-wasm');
    } catch (error) {
      return loadFailure(error, '@tensorflow/tfjs-backend-wasm');
    }
    // Trust setBackend's return value, not getBackend() (see ENVIRONMENT.md).
    return (await tf.setBackend('wasm')) ? null : `tf.setBackend('wasm') failed`;
  }
  return (await tf.setBackend('cpu')) ? null : `tf.setBackend('cpu') failed`;
}

/** What the last successful {@link selectBackend} call activated. */
let active: BackendInfo | null = null;

/**
 * The backend that the last successful {@link selectBackend} call activated, if tfjs still runs
 * on it. Needed where the tfjs backend name is not enough: `node` and `node-gpu` both register
 * the tfjs backend `tensorflow`.
 *
 * @returns The {@link BackendInfo} of that call, or `null` when `selectBackend` never succeeded
 *   or tfjs has since been switched to another backend (e.g. by `tf.setBackend`).
 * @example
 * await selectBackend({ backend: 'cpu' });
 * activeBackend()?.backend; // => 'cpu'
 */
export function activeBackend(): BackendInfo | null {
  return active !== null && tf.getBackend() === active.tfjsBackend ? active : null;
}

/**
 * Selects and activates the fastest TensorFlow.js backend that actually loads, in the order
 * `node-gpu` -> `node` -> `wasm` -> `cpu`, or the one asked for by option or `TFJS_BACKEND`.
 *
 * Calling it again re-runs the selection (cheap once modules are loaded).
 *
 * @param options - see {@link SelectBackendOptions}.
 * @returns what was chosen and why each faster backend was skipped.
 * @throws InputError when the requested name is unknown, or an explicitly requested backend
 *   cannot load (the message gives the reason).
 * @example
 * const info = await selectBackend();           // auto
 * console.log(info.summary);                    // "backend: wasm (auto; skipped node-gpu: not installed ...)"
 * await selectBackend({ backend: 'cpu' });      // force the plain-JS backend
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendInfo> {
  const env = options.env ?? process.env;
  const requireModule = options.requireModule ?? require;
  let requested: BackendName | 'auto';
  let requestedBy: BackendInfo['requestedBy'];
  if (options.backend !== undefined) {
    requested = parseBackendName(options.backend, 'backend');
    requestedBy = requested === 'auto' ? 'auto' : 'option';
  } else if (env[BACKEND_ENV_VAR] !== undefined && env[BACKEND_ENV_VAR] !== '') {
    requested = parseBackendName(env[BACKEND_ENV_VAR], BACKEND_ENV_VAR);
    requestedBy = requested === 'auto' ? 'auto' : 'env';
  } else {
    requested = 'auto';
    requestedBy = 'auto';
  }

  const skipped: SkippedBackend[] = [];
  const candidates: readonly BackendName[] = requested === 'auto' ? BACKEND_ORDER : [requested];
  for (const name of candidates) {
    const failure = await tryBackend(name, requireModule);
    if (failure === null) {
      const faster = requested === 'auto' ? skipped : BACKEND_ORDER.slice(0, BACKEND_ORDER.indexOf(name)).map(
        (backend) => ({ backend, reason: `not tried (${requestedBy === 'env' ? BACKEND_ENV_VAR : 'backend'}=${name})` }),
      );
      const how = requestedBy === 'env' ? `${BACKEND_ENV_VAR}=${name}` : requestedBy;
      const skippedText = requested === 'auto' && faster.length
        ? `; skipped ${faster.map((s) => `${s.backend}: ${s.reason}`).join(', ')}`
        : '';
      active = {
        backend: name,
        tfjsBackend: tf.getBackend(),
        requestedBy,
        skipped: faster,
        tfjsVersion: tf.version_core,
        summary: `backend: ${name} (${how}${skippedText})`,
      };
      return active;
    }
    if (requested !== 'auto') {
      const argument = requestedBy === 'env' ? BACKEND_ENV_VAR : 'backend';
      throw new InputError(`${argument}=${name} was requested but cannot be used: ${failure}`, {
        argument,
        value: name,
      });
    }
    skipped.push({ backend: name, reason: failure });
  }
  // Unreachable in practice: the cpu backend ships inside @tensorflow/tfjs.
  throw new Error(
    `no TensorFlow.js backend could be activated: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`,
  );
}
