//! The Stylus runtime as the chain sees it (re-exported from `crate::wasm`).

pub use crate::wasm::{
    activate, execute, is_stylus_code, ActivatedProgram, ActivationError, CallKind, CreateResult,
    EvmApi, EvmData, ExitStatus, StylusParams, SubcallResult, WriteProtection,
};
