// danfojs-node requires '@tensorflow/tfjs-node', whose install downloads libtensorflow (impossible
// offline). This shim hands it the project's pure-JS tfjs instead, so both share one engine.
module.exports = require('@tensorflow/tfjs');
