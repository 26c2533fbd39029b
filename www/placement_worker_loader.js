// Starts the Placement lab's Web Worker: loads wasm-bindgen's no-modules glue, then the wasm.
// Written by hand rather than by Trunk's data-loader-shim, whose call uses the deprecated
// positional form of the initialiser and makes the worker log a warning.
importScripts("./placement_worker.js");
wasm_bindgen({ module_or_path: "./placement_worker_bg.wasm" });
