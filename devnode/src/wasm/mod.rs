//! Stylus WASM runtime: activation (decompression, validation, instrumentation), ink metering
//! and the `vm_hooks` hostios, executed on wasmi without engine fuel.
//!
//! The chain drives it through [`activate`] and [`execute`] and serves the program's requests
//! through [`EvmApi`] (see `api.rs`).

pub mod api;

mod activation;
mod hostio;
mod imports;
mod instrument;
mod pricing;
mod runtime;
mod storage;
mod validate;

pub use activation::{activate, is_stylus_code, ActivatedProgram, ActivationError};
pub use api::{
    CallKind, CreateResult, EvmApi, EvmData, ExecOutcome, ExitStatus, SubcallResult,
    WriteProtection,
};
pub use runtime::execute;

/// Chain-wide Stylus parameters (ArbWasm); defaults are Nitro's (spec §2.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StylusParams {
    /// Ink per EVM gas.
    pub ink_price: u32,
    /// Largest uncompressed module, in bytes.
    pub max_wasm_size: usize,
    /// Most WASM pages a transaction may open.
    pub page_limit: u16,
    /// Pages per transaction that cost nothing.
    pub free_pages: u16,
    /// Gas per page opened beyond the free ones.
    pub page_gas: u16,
    /// Minimum init gas, in units of 128 gas.
    pub min_init_gas: u8,
    /// Minimum cached init gas, in units of 32 gas.
    pub min_cached_init_gas: u8,
    /// Init cost scalar, in units of 2%.
    pub init_cost_scalar: u8,
    /// Cached init cost scalar, in units of 2%.
    pub cached_cost_scalar: u8,
    /// Depth budget of one program invocation, in words.
    pub max_stack_depth: u32,
    /// Stylus version programs are activated at.
    pub version: u16,
    /// Allows the `console` / `debug` imports.
    pub debug_mode: bool,
    /// ArbOS version whose rules apply.
    pub arbos_version: u64,
}

impl Default for StylusParams {
    /// Nitro's parameters at ArbOS 51 (stack depth capped to 22,000 words since ArbOS 50).
    fn default() -> Self {
        Self {
            ink_price: 10_000,
            max_wasm_size: 128 * 1024,
            page_limit: 128,
            free_pages: 2,
            page_gas: 1_000,
            min_init_gas: 69,
            min_cached_init_gas: 11,
            init_cost_scalar: 50,
            cached_cost_scalar: 50,
            max_stack_depth: 22_000,
            version: 2,
            debug_mode: false,
            arbos_version: 51,
        }
    }
}
