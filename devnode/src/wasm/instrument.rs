//! Rewrites a validated user module so that it meters itself (spec §2.2, §2.4, §3.3):
//!
//! * every basic block first pays its ink (op costs + 2,450 header) from `stylus_ink_left`, and
//!   traps with `stylus_ink_status = 1` when short;
//! * `memory.copy` / `memory.fill` also pay 100 ink per byte before running;
//! * `memory.grow` is preceded by a call to `vm_hooks.pay_for_memory_grow(pages)`;
//! * each function reserves its frame (words) from `stylus_stack_left` on entry and returns it on
//!   exit, trapping with `stylus_ink_status = 2` when the depth budget is exhausted;
//! * the memory maximum is capped at the page limit.
//!
//! The engine then runs the module without fuel: metering is deterministic and ours.

use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, DataCountSection, DataSection, ElementSection, ExportKind,
    ExportSection, Function, FunctionSection, GlobalSection, GlobalType, ImportSection,
    Instruction, MemorySection, MemoryType, Module, TableSection, TypeSection, ValType,
};
use wasmparser::{FunctionBody, Operator, Parser, Payload};

use super::pricing::{ends_basic_block, op_ink, BLOCK_HEADER_INK, MEMORY_BYTE_INK};
use super::validate::ModuleInfo;
use super::{ActivationError, StylusParams};

/// Exported global holding the ink left (i64).
pub const INK_LEFT: &str = "stylus_ink_left";
/// Exported global set to [`STATUS_OUT_OF_INK`] or [`STATUS_OUT_OF_STACK`] before a metering trap.
pub const INK_STATUS: &str = "stylus_ink_status";
/// Exported global holding the depth budget left, in words (i32).
pub const STACK_LEFT: &str = "stylus_stack_left";
/// `stylus_ink_status` after running out of ink.
pub const STATUS_OUT_OF_INK: i32 = 1;
/// `stylus_ink_status` after exhausting the depth budget.
pub const STATUS_OUT_OF_STACK: i32 = 2;

fn invalid(message: impl std::fmt::Display) -> ActivationError {
    ActivationError::Invalid(message.to_string())
}

/// Indices of the metering globals and the memory-grow hook inside the instrumented module.
#[derive(Clone, Copy)]
struct Hooks {
    ink_left: u32,
    ink_status: u32,
    stack_left: u32,
    pay_for_memory_grow: Option<u32>,
}

/// Sections of the output module, in emission order.
#[derive(Default)]
struct Sections {
    types: TypeSection,
    imports: Option<ImportSection>,
    functions: Option<FunctionSection>,
    tables: Option<TableSection>,
    memories: MemorySection,
    globals: GlobalSection,
    exports: ExportSection,
    elements: Option<ElementSection>,
    data_count: Option<u32>,
    code: CodeSection,
    data: Option<DataSection>,
}

/// Returns the instrumented module bytes.
pub fn instrument(
    wasm: &[u8],
    info: &ModuleInfo,
    params: &StylusParams,
) -> Result<Vec<u8>, ActivationError> {
    let hooks = Hooks {
        ink_left: info.globals,
        ink_status: info.globals + 1,
        stack_left: info.globals + 2,
        pay_for_memory_grow: info.pay_for_memory_grow,
    };
    let mut re = RoundtripReencoder;
    let mut out = Sections::default();
    let mut block_types = BlockTypes::new(info.types.len() as u32);
    let mut local_func = 0usize;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::TypeSection(r) => re.parse_type_section(&mut out.types, r).map_err(invalid)?,
            Payload::ImportSection(r) => {
                let section = out.imports.insert(ImportSection::new());
                re.parse_import_section(section, r).map_err(invalid)?;
            }
            Payload::FunctionSection(r) => {
                let section = out.functions.insert(FunctionSection::new());
                re.parse_function_section(section, r).map_err(invalid)?;
            }
            Payload::TableSection(r) => {
                let section = out.tables.insert(TableSection::new());
                re.parse_table_section(section, r).map_err(invalid)?;
            }
            Payload::MemorySection(r) => {
                for memory in r {
                    out.memories
                        .memory(capped_memory(memory?, params.page_limit));
                }
            }
            Payload::GlobalSection(r) => re
                .parse_global_section(&mut out.globals, r)
                .map_err(invalid)?,
            Payload::ExportSection(r) => re
                .parse_export_section(&mut out.exports, r)
                .map_err(invalid)?,
            Payload::ElementSection(r) => {
                let section = out.elements.insert(ElementSection::new());
                re.parse_element_section(section, r).map_err(invalid)?;
            }
            Payload::DataCountSection { count, .. } => out.data_count = Some(count),
            Payload::CodeSectionEntry(body) => {
                let func = info.imported_funcs as usize + local_func;
                let frame = info
                    .frames
                    .get(local_func)
                    .copied()
                    .ok_or_else(|| invalid("body"))?;
                let ty = info
                    .func_types
                    .get(func)
                    .and_then(|ty| info.types.get(*ty as usize))
                    .ok_or_else(|| invalid("function type out of bounds"))?;
                let wrapper = block_types.for_results(ty.results())?;
                let params = ty.params().len() as u32;
                let body = BodyRewriter::new(info, hooks, frame).rewrite(&body, params, wrapper)?;
                out.code.function(&body);
                local_func += 1;
            }
            Payload::DataSection(r) => {
                let section = out.data.insert(DataSection::new());
                re.parse_data_section(section, r).map_err(invalid)?;
            }
            _ => {}
        }
    }
    block_types.append_to(&mut out.types)?;
    add_metering_globals(&mut out, hooks);
    Ok(assemble(out))
}

/// The memory type with its maximum capped at the page limit.
fn capped_memory(memory: wasmparser::MemoryType, page_limit: u16) -> MemoryType {
    let limit = u64::from(page_limit).max(memory.initial);
    MemoryType {
        minimum: memory.initial,
        maximum: Some(memory.maximum.map_or(limit, |max| max.min(limit))),
        memory64: false,
        shared: false,
        page_size_log2: None,
    }
}

fn add_metering_globals(out: &mut Sections, hooks: Hooks) {
    let global = |val_type| GlobalType {
        val_type,
        mutable: true,
        shared: false,
    };
    out.globals
        .global(global(ValType::I64), &ConstExpr::i64_const(0));
    out.globals
        .global(global(ValType::I32), &ConstExpr::i32_const(0));
    out.globals
        .global(global(ValType::I32), &ConstExpr::i32_const(0));
    out.exports
        .export(INK_LEFT, ExportKind::Global, hooks.ink_left);
    out.exports
        .export(INK_STATUS, ExportKind::Global, hooks.ink_status);
    out.exports
        .export(STACK_LEFT, ExportKind::Global, hooks.stack_left);
}

fn assemble(out: Sections) -> Vec<u8> {
    let mut module = Module::new();
    module.section(&out.types);
    if let Some(imports) = &out.imports {
        module.section(imports);
    }
    if let Some(functions) = &out.functions {
        module.section(functions);
    }
    if let Some(tables) = &out.tables {
        module.section(tables);
    }
    module.section(&out.memories);
    module.section(&out.globals);
    module.section(&out.exports);
    if let Some(elements) = &out.elements {
        module.section(elements);
    }
    if let Some(count) = out.data_count {
        module.section(&DataCountSection { count });
    }
    module.section(&out.code);
    if let Some(data) = &out.data {
        module.section(data);
    }
    module.finish()
}

/// Block types for the wrapper block around each body; multi-value results need a new type.
struct BlockTypes {
    next_index: u32,
    added: Vec<Vec<wasmparser::ValType>>,
}

impl BlockTypes {
    fn new(existing: u32) -> Self {
        Self {
            next_index: existing,
            added: Vec::new(),
        }
    }

    fn for_results(
        &mut self,
        results: &[wasmparser::ValType],
    ) -> Result<BlockType, ActivationError> {
        match results {
            [] => Ok(BlockType::Empty),
            [single] => Ok(BlockType::Result(convert_val_type(*single)?)),
            many => {
                let position = self
                    .added
                    .iter()
                    .position(|r| r == many)
                    .unwrap_or_else(|| {
                        self.added.push(many.to_vec());
                        self.added.len() - 1
                    });
                Ok(BlockType::FunctionType(self.next_index + position as u32))
            }
        }
    }

    fn append_to(self, types: &mut TypeSection) -> Result<(), ActivationError> {
        for results in self.added {
            let results = results
                .into_iter()
                .map(convert_val_type)
                .collect::<Result<Vec<_>, _>>()?;
            types.ty().function([], results);
        }
        Ok(())
    }
}

fn convert_val_type(ty: wasmparser::ValType) -> Result<ValType, ActivationError> {
    RoundtripReencoder.val_type(ty).map_err(invalid)
}

/// Rewrites one function body with ink metering, the grow hook and the depth budget.
struct BodyRewriter<'m> {
    info: &'m ModuleInfo,
    hooks: Hooks,
    frame: u32,
    scratch_i32: u32,
    scratch_i64: u32,
}

impl<'m> BodyRewriter<'m> {
    fn new(info: &'m ModuleInfo, hooks: Hooks, frame: u32) -> Self {
        Self {
            info,
            hooks,
            frame,
            scratch_i32: 0,
            scratch_i64: 0,
        }
    }

    fn rewrite(
        mut self,
        body: &FunctionBody<'_>,
        params: u32,
        wrapper: BlockType,
    ) -> Result<Function, ActivationError> {
        let mut locals = Vec::new();
        let mut local_count = params;
        for local in body.get_locals_reader()? {
            let (count, ty) = local?;
            local_count += count;
            locals.push((count, convert_val_type(ty)?));
        }
        self.scratch_i32 = local_count;
        self.scratch_i64 = local_count + 1;
        locals.push((1, ValType::I32));
        locals.push((1, ValType::I64));
        let mut func = Function::new(locals);

        self.reserve_frame(&mut func);
        func.instruction(&Instruction::Block(wrapper));
        let mut block_ink = 0u64;
        let mut pending: Vec<Instruction<'_>> = Vec::new();
        let mut ops = body.get_operators_reader()?;
        while !ops.eof() {
            let op = ops.read()?;
            let ink = op_ink(&op, |ty| self.info.params_of(ty))
                .ok_or_else(|| invalid(format!("unpriced opcode {op:?}")))?;
            block_ink = block_ink.saturating_add(ink);
            let ends_block = ends_basic_block(&op);
            self.expand(op, &mut pending)?;
            if ends_block {
                self.charge_static(&mut func, block_ink.saturating_add(BLOCK_HEADER_INK));
                emit(&mut func, &pending);
                pending.clear();
                block_ink = 0;
            }
        }
        // The body's own final `end` closed the wrapper block; release the frame and end.
        self.release_frame_into(&mut func);
        func.instruction(&Instruction::End);
        Ok(func)
    }

    /// Appends `op` to `pending`, preceded by any per-op instrumentation it needs.
    fn expand<'a>(
        &self,
        op: Operator<'a>,
        pending: &mut Vec<Instruction<'a>>,
    ) -> Result<(), ActivationError> {
        match &op {
            Operator::MemoryGrow { .. } => {
                if let Some(hook) = self.hooks.pay_for_memory_grow {
                    pending.extend([
                        Instruction::LocalTee(self.scratch_i32),
                        Instruction::Call(hook),
                        Instruction::LocalGet(self.scratch_i32),
                    ]);
                }
            }
            Operator::MemoryCopy { .. } | Operator::MemoryFill { .. } => {
                self.charge_per_byte(pending)
            }
            Operator::Return => self.release_frame(pending),
            _ => {}
        }
        pending.push(RoundtripReencoder.instruction(op).map_err(invalid)?);
        Ok(())
    }

    /// Traps with `status` unless the i64 on top of the stack is <= the ink left; consumes it.
    fn trap_sequence(&self, status: i32) -> [Instruction<'static>; 5] {
        [
            Instruction::If(BlockType::Empty),
            Instruction::I32Const(status),
            Instruction::GlobalSet(self.hooks.ink_status),
            Instruction::Unreachable,
            Instruction::End,
        ]
    }

    fn charge_static(&self, func: &mut Function, ink: u64) {
        let ink = ink as i64;
        let ink_left = self.hooks.ink_left;
        let mut seq = vec![
            Instruction::GlobalGet(ink_left),
            Instruction::I64Const(ink),
            Instruction::I64LtU,
        ];
        seq.extend(self.trap_sequence(STATUS_OUT_OF_INK));
        seq.extend([
            Instruction::GlobalGet(ink_left),
            Instruction::I64Const(ink),
            Instruction::I64Sub,
            Instruction::GlobalSet(ink_left),
        ]);
        emit(func, &seq);
    }

    /// Charges 100 ink per byte for the length on top of the stack, leaving the stack unchanged.
    fn charge_per_byte(&self, pending: &mut Vec<Instruction<'_>>) {
        let ink_left = self.hooks.ink_left;
        pending.extend([
            Instruction::LocalTee(self.scratch_i32),
            Instruction::I64ExtendI32U,
            Instruction::I64Const(MEMORY_BYTE_INK as i64),
            Instruction::I64Mul,
            Instruction::LocalTee(self.scratch_i64),
            Instruction::GlobalGet(ink_left),
            Instruction::I64GtU,
        ]);
        pending.extend(self.trap_sequence(STATUS_OUT_OF_INK));
        pending.extend([
            Instruction::GlobalGet(ink_left),
            Instruction::LocalGet(self.scratch_i64),
            Instruction::I64Sub,
            Instruction::GlobalSet(ink_left),
            Instruction::LocalGet(self.scratch_i32),
        ]);
    }

    /// Deducts the frame from the depth budget, trapping when it does not fit.
    fn reserve_frame(&self, func: &mut Function) {
        let stack_left = self.hooks.stack_left;
        let frame = self.frame as i32;
        let mut seq = vec![
            Instruction::GlobalGet(stack_left),
            Instruction::I32Const(frame),
            Instruction::I32LtU,
        ];
        seq.extend(self.trap_sequence(STATUS_OUT_OF_STACK));
        seq.extend([
            Instruction::GlobalGet(stack_left),
            Instruction::I32Const(frame),
            Instruction::I32Sub,
            Instruction::GlobalSet(stack_left),
        ]);
        emit(func, &seq);
    }

    fn release_frame(&self, pending: &mut Vec<Instruction<'_>>) {
        let stack_left = self.hooks.stack_left;
        pending.extend([
            Instruction::GlobalGet(stack_left),
            Instruction::I32Const(self.frame as i32),
            Instruction::I32Add,
            Instruction::GlobalSet(stack_left),
        ]);
    }

    fn release_frame_into(&self, func: &mut Function) {
        let mut seq = Vec::new();
        self.release_frame(&mut seq);
        emit(func, &seq);
    }
}

fn emit(func: &mut Function, instructions: &[Instruction<'_>]) {
    for ins in instructions {
        func.instruction(ins);
    }
}
