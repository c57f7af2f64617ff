//! Activation (spec §2.5, §2.6, §3.1): prefix and dictionary check, bounded brotli
//! decompression, validation, instrumentation, cost model and compilation on wasmi.

use std::fmt;
use std::io::Read;
use std::sync::Arc;

use alloy_primitives::{keccak256, B256};

use super::instrument::instrument;
use super::runtime::engine;
use super::validate::{validate, Stats};
use super::StylusParams;

/// Prefix of a deployable classic Stylus program: `EF F0 00 <dict> <brotli(wasm)>`.
const CLASSIC_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x00];
/// Dictionary byte for "no dictionary".
const DICT_NONE: u8 = 0;
/// Dictionary byte for Nitro's built-in `StylusProgramDictionary`.
const DICT_NITRO: u8 = 1;
/// Fixed activation gas (spec §2.6 item 2).
const ACTIVATION_BASE_GAS: u64 = 1_659_168;

/// Why a program could not be activated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivationError {
    /// The code does not start with the `EF F0 00` classic prefix.
    NotWasm,
    /// Bad dictionary byte or corrupt brotli stream.
    Decompress(String),
    /// The module is larger than `max_wasm_size` after decompression.
    TooLarge,
    /// Validation failure, forbidden feature or exceeded limit.
    Invalid(String),
}

impl fmt::Display for ActivationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotWasm => write!(f, "program not wasm (missing EF F0 00 prefix)"),
            Self::Decompress(msg) => write!(f, "failed to decompress program: {msg}"),
            Self::TooLarge => write!(f, "decompressed program exceeds the maximum wasm size"),
            Self::Invalid(msg) => write!(f, "invalid program: {msg}"),
        }
    }
}

impl std::error::Error for ActivationError {}

/// An activated program: the record ArbWasm keeps plus the compiled, instrumented module.
#[derive(Clone, Debug)]
pub struct ActivatedProgram {
    /// keccak256 of the full account code (prefix included).
    pub codehash: B256,
    /// keccak256 of the instrumented module.
    pub module_hash: B256,
    /// Stylus version at activation.
    pub version: u16,
    /// Init cost (charged on uncached calls, scaled by `init_cost_scalar`).
    pub init_cost: u16,
    /// Cached init cost (scaled by `cached_cost_scalar`).
    pub cached_cost: u16,
    /// Initial memory pages.
    pub footprint: u16,
    /// Estimated native size in bytes (drives the data fee).
    pub asm_estimate: u32,
    /// Activation gas: the fixed 1,659,168 plus the compile cost.
    pub compile_gas: u64,
    /// Compiled module, shared so executions never recompile.
    pub(crate) module: Arc<wasmi::Module>,
}

impl ActivatedProgram {
    /// Gas charged on every call: the cached minimum plus the scaled cached cost.
    pub fn cached_gas(&self, params: &StylusParams) -> u64 {
        let base = u64::from(params.min_cached_init_gas) * 32;
        base + scaled(self.cached_cost, params.cached_cost_scalar)
    }

    /// Extra gas charged when the program is not cached.
    pub fn init_gas(&self, params: &StylusParams) -> u64 {
        let base = u64::from(params.min_init_gas) * 128;
        base + scaled(self.init_cost, params.init_cost_scalar)
    }
}

/// `ceil(cost × scalar × 2%)`.
fn scaled(cost: u16, scalar: u8) -> u64 {
    (u64::from(cost) * u64::from(scalar) * 2).div_ceil(100)
}

/// Whether `code` is a deployable classic Stylus program (starts with `EF F0 00`).
pub fn is_stylus_code(code: &[u8]) -> bool {
    code.starts_with(&CLASSIC_PREFIX)
}

/// Activates `code` (full account code including the `EF F0 00 <dict>` prefix).
pub fn activate(code: &[u8], params: &StylusParams) -> Result<ActivatedProgram, ActivationError> {
    let wasm = decompress(code, params.max_wasm_size)?;
    let info = validate(&wasm, params)?;
    let instrumented = instrument(&wasm, &info, params)?;
    let module = wasmi::Module::new(engine(), &instrumented)
        .map_err(|err| ActivationError::Invalid(format!("instrumented module rejected: {err}")))?;
    let stats = info.stats;
    let footprint = info.footprint;
    Ok(ActivatedProgram {
        codehash: keccak256(code),
        module_hash: keccak256(&instrumented),
        version: params.version,
        init_cost: init_cost(&stats),
        cached_cost: cached_cost(&stats, footprint),
        footprint,
        asm_estimate: asm_estimate(&stats),
        compile_gas: ACTIVATION_BASE_GAS.saturating_add(compile_cost(&stats, footprint)),
        module: Arc::new(module),
    })
}

/// Strips the prefix and decompresses at most `max_size` bytes.
fn decompress(code: &[u8], max_size: usize) -> Result<Vec<u8>, ActivationError> {
    if !is_stylus_code(code) {
        return Err(ActivationError::NotWasm);
    }
    let (dict, stream) = match code.get(CLASSIC_PREFIX.len()..) {
        Some([dict, stream @ ..]) => (*dict, stream),
        _ => {
            return Err(ActivationError::Decompress(
                "missing dictionary byte".into(),
            ))
        }
    };
    match dict {
        DICT_NONE => {}
        DICT_NITRO => {
            return Err(ActivationError::Decompress(
                "dictionary 1 (Nitro's built-in StylusProgramDictionary) is not supported by the \
                 devnode; compress without a dictionary"
                    .into(),
            ))
        }
        other => {
            return Err(ActivationError::Decompress(format!(
                "unsupported dictionary {other}"
            )))
        }
    }
    let mut wasm = Vec::new();
    let limit = max_size as u64 + 1;
    brotli::Decompressor::new(stream, 4096)
        .take(limit)
        .read_to_end(&mut wasm)
        .map_err(|err| ActivationError::Decompress(err.to_string()))?;
    if wasm.len() > max_size {
        return Err(ActivationError::TooLarge);
    }
    Ok(wasm)
}

fn to_u16(value: u64) -> u16 {
    value.min(u64::from(u16::MAX)) as u16
}

/// Cached init cost: funcs×0.1342 + type_len×0.00089 + wasm_len×0.00122 + globals×1.628
/// + (data+elem)×0.75244 + footprint×5 (in 1/100,000 units, rounded down).
fn cached_cost(s: &Stats, footprint: u16) -> u16 {
    let micro = s.funcs * 13_420
        + s.type_len * 89
        + s.wasm_len * 122
        + s.globals * 162_800
        + s.data_elem_len * 75_244
        + u64::from(footprint) * 500_000;
    to_u16(micro / 100_000)
}

/// Init cost: funcs×8.252 + type_len×1.059 + wasm_len×0.1286 (in 1/10,000 units, rounded down).
fn init_cost(s: &Stats) -> u16 {
    to_u16((s.funcs * 82_520 + s.type_len * 10_590 + s.wasm_len * 1_286) / 10_000)
}

/// Native size estimate: 512,000 + funcs×996.829 + type_len×11.416 + wasm_len×6.2628.
fn asm_estimate(s: &Stats) -> u32 {
    let extra = (s.funcs * 9_968_290 + s.type_len * 114_160 + s.wasm_len * 62_628) / 10_000;
    (512_000 + extra).min(u64::from(u32::MAX)) as u32
}

/// Compile gas: 8.89/wasm byte, 4.83/function, 4.87/data or element byte, 62,076/initial page,
/// 14.98/code byte (in 1/100 gas units, rounded down).
fn compile_cost(s: &Stats, footprint: u16) -> u64 {
    let centi = s.wasm_len * 889
        + s.funcs * 483
        + s.data_elem_len * 487
        + u64::from(footprint) * 6_207_600
        + s.code_len * 1_498;
    centi / 100
}
