//! Activation-time validation of a user module (spec §1.1, §1.2, §3.2, §3.3): WASM features,
//! imports and exports, structural limits and per-function frame sizes for the depth budget.

use wasmparser::{
    ExternalKind, FuncType, FuncValidator, FuncValidatorAllocations, FunctionBody, Operator,
    Parser, Payload, TypeRef, ValType, ValidPayload, Validator, ValidatorResources, WasmFeatures,
};

use super::imports::{check_import, PAY_FOR_MEMORY_GROW, VM_HOOKS};
use super::pricing::op_ink;
use super::{ActivationError, StylusParams};

/// The export Nitro calls.
pub const ENTRYPOINT: &str = "user_entrypoint";
/// The memory export every program needs.
pub const MEMORY: &str = "memory";
/// First ArbOS version that disables multi-value.
const ARBOS_NO_MULTI_VALUE: u64 = 60;
/// First ArbOS version with the 513-import limit.
const ARBOS_IMPORT_LIMIT: u64 = 32;

const MAX_DATA_SEGMENTS: u32 = 128;
const MAX_ELEM_SEGMENTS: u32 = 128;
const MAX_EXPORTS: u32 = 1_024;
const MAX_FUNCS: u32 = 4_096;
const MAX_GLOBALS: u32 = 32_768;
const MAX_IMPORTS: u32 = 513;
const MAX_LOCALS: u32 = 348;
const MAX_OPCODES: u32 = 65_536;
const MAX_TABLE_ENTRIES: u64 = 4_096;
const MAX_ELEM_ENTRIES: u64 = 4_096;
const MAX_NAME_LEN: usize = 512;
/// Largest frame (operand stack + locals + 4 words) a function may have.
const MAX_FRAME_WORDS: u32 = 10 * 1_024;
/// Largest number of operand-stack values live at once in one function.
const MAX_LIVE_VALUES: u32 = 4_096;
/// Bytes per WASM page.
const WASM_PAGE_SIZE: u64 = 65_536;
/// Words a frame costs on top of its operand stack and locals.
const FRAME_OVERHEAD_WORDS: u32 = 4;

/// Module statistics feeding the init, cached-init, asm-size and compile-cost formulas.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    /// Locally defined functions.
    pub funcs: u64,
    /// Sum of parameter and result counts over the local functions' types.
    pub type_len: u64,
    /// Uncompressed module length in bytes.
    pub wasm_len: u64,
    /// Defined globals.
    pub globals: u64,
    /// Data-segment bytes plus element entries.
    pub data_elem_len: u64,
    /// Bytes of all function bodies.
    pub code_len: u64,
}

/// What instrumentation and costing need to know about a validated module.
#[derive(Debug, Default)]
pub struct ModuleInfo {
    /// All function types of the type section.
    pub types: Vec<FuncType>,
    /// Type index of every function, imports first.
    pub func_types: Vec<u32>,
    /// Number of imported functions.
    pub imported_funcs: u32,
    /// Function index of `vm_hooks.pay_for_memory_grow`, when imported.
    pub pay_for_memory_grow: Option<u32>,
    /// Frame size in words of each local function.
    pub frames: Vec<u32>,
    /// Defined globals.
    pub globals: u32,
    /// Initial memory pages.
    pub footprint: u16,
    /// Cost-model statistics.
    pub stats: Stats,
}

impl ModuleInfo {
    /// Parameter count of a type index (for `call_indirect` pricing).
    pub fn params_of(&self, type_index: u32) -> Option<usize> {
        self.types
            .get(type_index as usize)
            .map(|ty| ty.params().len())
    }
}

fn invalid(message: impl Into<String>) -> ActivationError {
    ActivationError::Invalid(message.into())
}

impl From<wasmparser::BinaryReaderError> for ActivationError {
    fn from(err: wasmparser::BinaryReaderError) -> Self {
        invalid(err.to_string())
    }
}

/// The WASM proposals Stylus accepts.
fn features(params: &StylusParams) -> WasmFeatures {
    let mut features = WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS
        | WasmFeatures::GC_TYPES;
    if params.arbos_version < ARBOS_NO_MULTI_VALUE {
        features |= WasmFeatures::MULTI_VALUE;
    }
    features
}

fn is_float(ty: ValType) -> bool {
    matches!(ty, ValType::F32 | ValType::F64)
}

fn check_limit(what: &str, count: u64, max: u64) -> Result<(), ActivationError> {
    if count > max {
        return Err(invalid(format!("too many {what}: {count} > {max}")));
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), ActivationError> {
    if name.len() > MAX_NAME_LEN {
        return Err(invalid(format!("name longer than {MAX_NAME_LEN} bytes")));
    }
    if name.starts_with("stylus") {
        return Err(invalid(format!("reserved name {name}")));
    }
    Ok(())
}

/// Accumulates facts while walking the sections.
#[derive(Default)]
struct Walker {
    info: ModuleInfo,
    memory: Option<(u64, Option<u64>)>,
    entrypoint: Option<u32>,
    memory_exported: bool,
    imports: u32,
}

/// Validates `wasm` against the Stylus rules and returns what instrumentation needs.
pub fn validate(wasm: &[u8], params: &StylusParams) -> Result<ModuleInfo, ActivationError> {
    let mut validator = Validator::new_with_features(features(params));
    let mut walker = Walker::default();
    walker.info.stats.wasm_len = wasm.len() as u64;
    let mut allocs = FuncValidatorAllocations::default();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        if let ValidPayload::Func(func, body) = validator.payload(&payload)? {
            let mut func = func.into_validator(std::mem::take(&mut allocs));
            let frame = walker.check_body(&mut func, &body)?;
            walker.info.frames.push(frame);
            allocs = func.into_allocations();
        }
        walker.section(payload, params)?;
    }
    walker.finish(params)
}

impl Walker {
    fn section(
        &mut self,
        payload: Payload<'_>,
        params: &StylusParams,
    ) -> Result<(), ActivationError> {
        match payload {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    let ty = ty?;
                    let has_float = ty.params().iter().chain(ty.results()).any(|t| is_float(*t));
                    if has_float && !params.debug_mode {
                        return Err(invalid("floating point types are not supported"));
                    }
                    self.info.types.push(ty);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    self.import(import?, params)?;
                }
                if params.arbos_version >= ARBOS_IMPORT_LIMIT {
                    check_limit("imports", self.imports.into(), MAX_IMPORTS.into())?;
                }
            }
            Payload::FunctionSection(reader) => {
                check_limit("functions", reader.count().into(), MAX_FUNCS.into())?;
                for ty in reader {
                    let ty = ty?;
                    self.info.func_types.push(ty);
                    let sig = self.info.types.get(ty as usize);
                    let arity = sig.map_or(0, |s| s.params().len() + s.results().len());
                    self.info.stats.type_len += arity as u64;
                    self.info.stats.funcs += 1;
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    check_limit("table entries", table?.ty.initial, MAX_TABLE_ENTRIES)?;
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    let memory = memory?;
                    if self.memory.is_some() {
                        return Err(invalid("only one memory is allowed"));
                    }
                    self.memory = Some((memory.initial, memory.maximum));
                }
            }
            Payload::GlobalSection(reader) => {
                check_limit("globals", reader.count().into(), MAX_GLOBALS.into())?;
                for global in reader {
                    if is_float(global?.ty.content_type) {
                        return Err(invalid("floating point globals are not supported"));
                    }
                    self.info.globals += 1;
                }
                self.info.stats.globals = self.info.globals.into();
            }
            Payload::ExportSection(reader) => {
                check_limit("exports", reader.count().into(), MAX_EXPORTS.into())?;
                for export in reader {
                    self.export(export?)?;
                }
            }
            Payload::StartSection { .. } => return Err(invalid("start functions are not allowed")),
            Payload::ElementSection(reader) => {
                check_limit(
                    "element segments",
                    reader.count().into(),
                    MAX_ELEM_SEGMENTS.into(),
                )?;
                let mut entries = 0u64;
                for element in reader {
                    entries += u64::from(match element?.items {
                        wasmparser::ElementItems::Functions(items) => items.count(),
                        wasmparser::ElementItems::Expressions(_, items) => items.count(),
                    });
                }
                check_limit("element entries", entries, MAX_ELEM_ENTRIES)?;
                self.info.stats.data_elem_len += entries;
            }
            Payload::DataSection(reader) => {
                check_limit(
                    "data segments",
                    reader.count().into(),
                    MAX_DATA_SEGMENTS.into(),
                )?;
                for data in reader {
                    let data = data?;
                    self.check_data_bounds(&data)?;
                    self.info.stats.data_elem_len += data.data.len() as u64;
                }
            }
            Payload::CodeSectionStart { size, .. } => self.info.stats.code_len = size.into(),
            _ => {}
        }
        Ok(())
    }

    /// Rejects an active data segment with a constant offset that overruns the initial memory
    /// (instantiation would fail on every call).
    fn check_data_bounds(&self, data: &wasmparser::Data<'_>) -> Result<(), ActivationError> {
        let wasmparser::DataKind::Active { offset_expr, .. } = &data.kind else {
            return Ok(());
        };
        let Ok(Operator::I32Const { value }) = offset_expr.get_operators_reader().read() else {
            return Ok(());
        };
        let end = u64::from(value as u32) + data.data.len() as u64;
        let memory_bytes = self.memory.map_or(0, |(initial, _)| initial) * WASM_PAGE_SIZE;
        if end > memory_bytes {
            return Err(invalid("data segment out of bounds of the initial memory"));
        }
        Ok(())
    }

    fn import(
        &mut self,
        import: wasmparser::Import<'_>,
        params: &StylusParams,
    ) -> Result<(), ActivationError> {
        self.imports += 1;
        check_name(import.module)?;
        check_name(import.name)?;
        let TypeRef::Func(type_index) = import.ty else {
            return Err(invalid(format!(
                "import {}.{} is not a function",
                import.module, import.name
            )));
        };
        let ty = self
            .info
            .types
            .get(type_index as usize)
            .ok_or_else(|| invalid("import type out of bounds"))?;
        check_import(import.module, import.name, ty, params.debug_mode).map_err(invalid)?;
        if import.module == VM_HOOKS && import.name == PAY_FOR_MEMORY_GROW {
            self.info.pay_for_memory_grow = Some(self.info.imported_funcs);
        }
        self.info.func_types.push(type_index);
        self.info.imported_funcs += 1;
        Ok(())
    }

    fn export(&mut self, export: wasmparser::Export<'_>) -> Result<(), ActivationError> {
        check_name(export.name)?;
        match (export.name, export.kind) {
            (ENTRYPOINT, ExternalKind::Func) => self.entrypoint = Some(export.index),
            (MEMORY, ExternalKind::Memory) => self.memory_exported = true,
            _ => {}
        }
        Ok(())
    }

    /// Validates one body and returns its frame size in words.
    fn check_body(
        &mut self,
        func: &mut FuncValidator<ValidatorResources>,
        body: &FunctionBody<'_>,
    ) -> Result<u32, ActivationError> {
        let mut locals = body.get_locals_reader()?;
        let mut declared = 0u32;
        for _ in 0..locals.get_count() {
            let offset = locals.original_position();
            let (count, ty) = locals.read()?;
            if is_float(ty) {
                return Err(invalid("floating point locals are not supported"));
            }
            declared = declared.saturating_add(count);
            check_limit("locals", declared.into(), MAX_LOCALS.into())?;
            func.define_locals(offset, count, ty)?;
        }
        let mut ops = body.get_operators_reader()?;
        let (mut max_height, mut count) = (0u32, 0u32);
        while !ops.eof() {
            let (op, offset) = ops.read_with_offset()?;
            check_operator(&op, &self.info)?;
            func.op(offset, &op)?;
            max_height = max_height.max(func.operand_stack_height());
            count += 1;
            check_limit("opcodes in a function", count.into(), MAX_OPCODES.into())?;
        }
        ops.finish()?;
        check_limit("live values", max_height.into(), MAX_LIVE_VALUES.into())?;
        let frame = max_height + func.len_locals() + FRAME_OVERHEAD_WORDS;
        check_limit("frame words", frame.into(), MAX_FRAME_WORDS.into())?;
        Ok(frame)
    }

    fn finish(self, params: &StylusParams) -> Result<ModuleInfo, ActivationError> {
        let Walker {
            mut info,
            memory,
            entrypoint,
            memory_exported,
            ..
        } = self;
        let (initial, maximum) = memory.ok_or_else(|| invalid("missing memory"))?;
        if !memory_exported {
            return Err(invalid("missing memory export with name \"memory\""));
        }
        check_limit("initial memory pages", initial, params.page_limit.into())?;
        if maximum != Some(initial) && info.pay_for_memory_grow.is_none() {
            return Err(invalid(
                "growable memory requires the vm_hooks.pay_for_memory_grow import",
            ));
        }
        let entry = entrypoint.ok_or_else(|| invalid("missing export user_entrypoint"))?;
        let entry_ty = info
            .func_types
            .get(entry as usize)
            .and_then(|ty| info.types.get(*ty as usize))
            .ok_or_else(|| invalid("user_entrypoint out of bounds"))?;
        if entry_ty.params() != [ValType::I32] || entry_ty.results() != [ValType::I32] {
            return Err(invalid(format!(
                "user_entrypoint has the wrong type {entry_ty}"
            )));
        }
        info.footprint = initial as u16;
        Ok(info)
    }
}

/// Rejects operators Stylus cannot run: floats, reference/table ops, passive-segment ops.
fn check_operator(op: &Operator<'_>, info: &ModuleInfo) -> Result<(), ActivationError> {
    if op_ink(op, |ty| info.params_of(ty)).is_some() {
        return Ok(());
    }
    let name = format!("{op:?}");
    let name = name.split([' ', '{']).next().unwrap_or_default();
    if name.contains("F32") || name.contains("F64") {
        return Err(invalid(format!(
            "no implementation for floating point operation {name}"
        )));
    }
    Err(invalid(format!("opcode not supported: {name}")))
}
