/**
 * Argument checks shared by every kernel path (`wasm.ts`, `native.ts`): sizes are positive
 * integers and every array is a Float32Array of the length the sizes imply.
 */
import { InputError } from '../../errors';
import type { LstmDims } from './types';

/** Validates `dims` (positive integers); returns it. @throws InputError naming the field. */
export function checkDims(dims: LstmDims): LstmDims {
  for (const key of ['batch', 'steps', 'inputDim', 'units'] as const) {
    const v = dims?.[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new InputError(`dims.${key} must be a positive integer, got ${String(v)}`, {
        argument: `dims.${key}`,
        value: v,
      });
    }
  }
  return dims;
}

/** @throws InputError unless `array` is a Float32Array of `expected` length. */
export function checkLength(name: string, array: Float32Array, expected: number): void {
  if (!(array instanceof Float32Array) || array.length !== expected) {
    throw new InputError(
      `${name} must be a Float32Array of length ${expected}, got ${
        array instanceof Float32Array ? `length ${array.length}` : typeof array
      }`,
      { argument: name },
    );
  }
}

/**
 * Validates the inputs of {@link LstmKernel.forward} (shared by every kernel path).
 * @returns `dims` and the gate width `4 * units`.
 * @throws InputError naming the field or array at fault.
 */
export function checkForwardInputs(
  dims: LstmDims,
  x: Float32Array,
  kernel: Float32Array,
  recurrent: Float32Array,
  bias: Float32Array,
): LstmDims & { readonly gates: number } {
  const checked = checkDims(dims);
  const { batch: B, steps: T, inputDim: D, units: H } = checked;
  const G = 4 * H;
  checkLength('x', x, B * T * D);
  checkLength('kernel', kernel, D * G);
  checkLength('recurrent', recurrent, H * G);
  checkLength('bias', bias, G);
  return { ...checked, gates: G };
}
