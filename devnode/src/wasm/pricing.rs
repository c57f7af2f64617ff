//! Ink and gas prices of the Stylus runtime (spec §2): per-opcode ink, hostio ink, storage-cache
//! surcharges and the EVM memory-expansion cost used by the return-data gas cap.

use wasmparser::Operator;

/// Base ink of every hostio.
pub const HOSTIO_INK: u64 = 8_400;
/// Extra ink per pointer argument or result.
pub const PTR_INK: u64 = 13_440 - HOSTIO_INK;
/// Ink of a round trip through the EVM API (5 gas at the default price).
pub const EVM_API_INK: u64 = 59_673;
/// Extra ink of `math_div` / `math_mod`.
pub const DIV_INK: u64 = 20_000;
/// Extra ink of `math_add_mod`.
pub const ADD_MOD_INK: u64 = 21_000;
/// Extra ink of `math_mul_mod`.
pub const MUL_MOD_INK: u64 = 24_100;
/// Ink charged once per basic block on top of its opcodes.
pub const BLOCK_HEADER_INK: u64 = 2_450;
/// Dynamic ink per byte of `memory.copy` / `memory.fill`.
pub const MEMORY_BYTE_INK: u64 = 100;

/// EIP-2929 cold SLOAD gas (the storage load requires this much to be available).
pub const COLD_SLOAD_GAS: u64 = 2_100;
/// EIP-2200 SSTORE sentry: a flush needs more than this much gas.
pub const SSTORE_SENTRY_GAS: u64 = 2_300;
/// Gas a cache access must have available on top of the EVM cost.
pub const STORAGE_CACHE_REQUIRED_ACCESS_GAS: u64 = 10;
/// TLOAD / TSTORE gas.
pub const TRANSIENT_GAS: u64 = 100;
/// LOG base and per-topic gas.
pub const LOG_TOPIC_GAS: u64 = 375;
/// LOG gas per payload byte.
pub const LOG_DATA_GAS: u64 = 8;

/// Ink to pay for reading `len` bytes out of WASM memory.
pub fn read_price(len: u32) -> u64 {
    16_381 + 55 * u64::from(len.saturating_sub(32))
}

/// Ink to pay for writing `len` bytes into WASM memory.
pub fn write_price(len: u32) -> u64 {
    5_040 + 30 * u64::from(len.saturating_sub(32))
}

/// Ink of `native_keccak256` over `len` bytes.
pub fn keccak_price(len: u32) -> u64 {
    let words = u64::from(len.div_ceil(32));
    121_800 + 21_000 * words.saturating_sub(2)
}

/// Exponent-dependent ink of `math_pow`: 3,000 + 17,500 per significant byte, counting 1..=33.
pub fn pow_price(exponent: &[u8; 32]) -> u64 {
    let leading_zeros = exponent.iter().take_while(|b| **b == 0).count() as u64;
    3_000 + 17_500 * (33 - leading_zeros)
}

/// Gas surcharge of the `reads`-th storage-cache read (1-based).
pub fn cache_read_gas(reads: u64) -> u64 {
    match reads {
        0..=32 => 0,
        33..=128 => 2,
        _ => 10,
    }
}

/// Gas surcharge of the `writes`-th storage-cache write (1-based).
pub fn cache_write_gas(writes: u64) -> u64 {
    match writes {
        0..=8 => 0,
        9..=64 => 7,
        _ => 10,
    }
}

/// EVM memory-expansion cost of `len` bytes: 3 gas per word plus words² / 512.
pub fn evm_memory_cost(len: u64) -> u64 {
    let words = len.div_ceil(32);
    words
        .saturating_mul(3)
        .saturating_add(words.saturating_mul(words) / 512)
}

/// Ink of one opcode under Nitro's `pricing_v1`, or `None` for opcodes Stylus does not support.
/// `params_of` gives the parameter count of a type index (for `call_indirect`).
pub fn op_ink(op: &Operator<'_>, params_of: impl Fn(u32) -> Option<usize>) -> Option<u64> {
    use Operator as O;
    let ink = match op {
        O::Unreachable | O::Return | O::Nop | O::I32Const { .. } | O::I64Const { .. } => 1,
        O::Block { .. } | O::Loop { .. } | O::Else | O::End => 1,
        O::Drop => 9,
        O::Br { .. } | O::BrIf { .. } | O::If { .. } => 765,
        O::Select => 1_250,
        O::Call { .. } => 3_800,
        O::CallIndirect { type_index, .. } => 13_610 + 650 * params_of(*type_index)? as u64,
        O::BrTable { targets } => 2_400 + 325 * u64::from(targets.len()),
        O::LocalGet { .. } | O::LocalTee { .. } => 75,
        O::LocalSet { .. } => 210,
        O::GlobalGet { .. } => 225,
        O::GlobalSet { .. } => 575,
        O::I32Load { .. }
        | O::I32Load8S { .. }
        | O::I32Load8U { .. }
        | O::I32Load16S { .. }
        | O::I32Load16U { .. } => 670,
        O::I64Load { .. }
        | O::I64Load8S { .. }
        | O::I64Load8U { .. }
        | O::I64Load16S { .. }
        | O::I64Load16U { .. }
        | O::I64Load32S { .. }
        | O::I64Load32U { .. } => 680,
        O::I32Store { .. } | O::I32Store8 { .. } | O::I32Store16 { .. } => 825,
        O::I64Store { .. } | O::I64Store8 { .. } | O::I64Store16 { .. } | O::I64Store32 { .. } => {
            950
        }
        O::MemorySize { .. } => 3_000,
        O::MemoryGrow { .. } => 8_050,
        O::I32Eqz
        | O::I32Eq
        | O::I32Ne
        | O::I32LtS
        | O::I32LtU
        | O::I32GtS
        | O::I32GtU
        | O::I32LeS
        | O::I32LeU
        | O::I32GeS
        | O::I32GeU => 170,
        O::I64Eqz
        | O::I64Eq
        | O::I64Ne
        | O::I64LtS
        | O::I64LtU
        | O::I64GtS
        | O::I64GtU
        | O::I64LeS
        | O::I64LeU
        | O::I64GeS
        | O::I64GeU => 225,
        O::I32Clz | O::I32Ctz | O::I64Clz | O::I64Ctz => 210,
        O::I32Add
        | O::I32Sub
        | O::I32And
        | O::I32Or
        | O::I32Xor
        | O::I32Shl
        | O::I32ShrS
        | O::I32ShrU
        | O::I32Rotl
        | O::I32Rotr => 70,
        O::I64Add
        | O::I64Sub
        | O::I64And
        | O::I64Or
        | O::I64Xor
        | O::I64Shl
        | O::I64ShrS
        | O::I64ShrU
        | O::I64Rotl
        | O::I64Rotr => 100,
        O::I32Mul | O::I64Mul => 160,
        O::I32DivS | O::I32DivU | O::I32RemS | O::I32RemU => 1_120,
        O::I64DivS | O::I64DivU | O::I64RemS | O::I64RemU => 1_270,
        O::I32Popcnt => 2_650,
        O::I64Popcnt => 6_000,
        O::I32WrapI64
        | O::I64ExtendI32S
        | O::I64ExtendI32U
        | O::I32Extend8S
        | O::I32Extend16S
        | O::I64Extend8S
        | O::I64Extend16S
        | O::I64Extend32S => 100,
        O::MemoryCopy { .. } | O::MemoryFill { .. } => 950,
        _ => return None,
    };
    Some(ink)
}

/// Whether `op` ends a basic block for metering (the op itself belongs to the ending block).
pub fn ends_basic_block(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::End
            | Operator::Else
            | Operator::Return
            | Operator::Loop { .. }
            | Operator::Br { .. }
            | Operator::BrIf { .. }
            | Operator::BrTable { .. }
            | Operator::If { .. }
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
    )
}
