//! Stylus WASM runtime: activation, instrumentation, hostios.
