// Worker thread for nudity classification (see src/nudity-pool.ts, which owns the protocol).
// Plain JavaScript on purpose: worker entry points must be loadable by Node without a build step,
// from the TypeScript sources under test and from dist alike.
//
// Loads @tensorflow/tfjs with the WebAssembly backend (SIMD, single-threaded: one core per worker)
// and the MobileNetV2 NSFW model that ships inside the nsfwjs package — entirely offline: the
// .wasm files and the model weights are read from node_modules, never fetched.
//
// Messages in:  { id, pixels: Uint8Array (224×224×3 RGB) }
// Messages out: { type: 'ready', backend, simd, loadMs } | { type: 'fatal', message }
//               { id, scores: { drawing, hentai, neutral, porn, sexy }, ms } | { id, error }
import { parentPort, workerData } from 'node:worker_threads';

const SIZE = 224;

async function main() {
  // Offline by construction: should tfjs or nsfwjs ever try to download anything, loading fails
  // loudly instead (the pool tests would catch it).
  globalThis.fetch = () => Promise.reject(new Error('network access is disabled in the nudity worker'));
  const tf = await import('@tensorflow/tfjs');
  const started = performance.now();
  if (workerData.backend === 'cpu') {
    // Pure-JavaScript backend: ~20x slower; only for benchmarks and diagnosing wasm problems.
    // tfjs suggests installing tfjs-node on console.warn at first use; that advice does not
    // apply here, and this worker has nothing else to warn about.
    console.warn = () => {};
    await tf.setBackend('cpu');
  } else {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(workerData.wasmDir);
    // One thread per worker: parallelism comes from the pool, and a threaded wasm build would
    // spawn helpers of its own.
    wasm.setThreadsCount?.(1);
    if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend failed to initialise');
  }
  await tf.ready();
  const nsfwjs = await import('nsfwjs');
  // nsfwjs announces the default model on console.info; keep worker output quiet.
  const info = console.info;
  console.info = () => {};
  let model;
  try {
    model = await nsfwjs.load(workerData.modelName ?? 'MobileNetV2');
  } finally {
    console.info = info;
  }
  parentPort.postMessage({
    type: 'ready',
    backend: tf.getBackend(),
    simd: tf.getBackend() === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    loadMs: Math.round(performance.now() - started),
  });
  parentPort.on('message', async (message) => {
    const { id, pixels } = message;
    const t0 = performance.now();
    try {
      if (!(pixels instanceof Uint8Array) || pixels.length !== SIZE * SIZE * 3) throw new Error('expected 224x224 RGB pixels');
      const input = tf.tensor3d(pixels, [SIZE, SIZE, 3], 'int32');
      let predictions;
      try {
        predictions = await model.classify(input, 5);
      } finally {
        input.dispose();
      }
      const scores = { drawing: 0, hentai: 0, neutral: 0, porn: 0, sexy: 0 };
      for (const p of predictions) scores[p.className.toLowerCase()] = p.probability;
      parentPort.postMessage({ id, scores, ms: performance.now() - t0 });
    } catch (err) {
      parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
    }
  });
}

main().catch((err) => {
  parentPort.postMessage({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
});
