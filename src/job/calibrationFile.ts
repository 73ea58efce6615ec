/**
 * The conformal calibration saved next to a model bundle by the forecast job, so that a reloaded
 * model gives the intervals of the run that saved it.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors';
import { calibrationFromJSON, type ConformalCalibration } from '../eval/conformal';

/** The file in a saved model directory that holds its conformal calibration (written by the forecast job). */
export const INTERVALS_FILE = 'intervals.json';

/**
 * Reads the calibration saved next to a model bundle (`<dir>/intervals.json`), so that a
 * reloaded model gives the intervals of the run that saved it (`withConformalIntervals`).
 * @throws InputError naming the file when it is missing or malformed.
 * @example
 * const calibration = await loadCalibration('runs/co2/model'); // after `npm run forecast -- ... --out runs/co2`
 * const banded = withConformalIntervals(forecast, calibration);
 */
export async function loadCalibration(dir: string): Promise<ConformalCalibration> {
  const file = join(dir, INTERVALS_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the interval calibration ${file}: ${(error as Error).message}`, { file });
  }
  try {
    return calibrationFromJSON(JSON.parse(text));
  } catch (error) {
    throw new InputError(`${file}: ${(error as Error).message}`, { file });
  }
}

