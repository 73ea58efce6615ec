/** The float64 reference of the forecaster's forward pass now lives in the library: src/model/reference.ts. */
export { forecasterForward64, type DenseWeights64, type LstmWeights64 } from '../../../src/model/reference';
