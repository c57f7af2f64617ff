//! stylus-devnode: a local Stylus-capable chain (skeleton).
pub mod wasm;
