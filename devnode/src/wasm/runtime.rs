//! Program execution (spec §1.1, §2.5): call costs, the gas/ink meter, the wasmi instance and
//! the mapping of results, traps and escapes onto Stylus exit statuses.

use std::sync::OnceLock;

use wasmi::{Config, Engine, Instance, Store, Val};

use super::activation::ActivatedProgram;
use super::api::{EvmApi, EvmData, ExecOutcome, ExitStatus};
use super::hostio::{linker, Escape, Handles, HostState};
use super::instrument::{INK_LEFT, INK_STATUS, STACK_LEFT, STATUS_OUT_OF_INK, STATUS_OUT_OF_STACK};
use super::pricing::evm_memory_cost;
use super::storage::StorageCache;
use super::validate::{ENTRYPOINT, MEMORY};
use super::StylusParams;

/// First ArbOS version capping returned gas by the return data's EVM memory cost.
const ARBOS_RETURN_DATA_CAP: u64 = 31;
/// wasmi call-frame limit; our depth budget (≥ 4 words per frame) always trips first.
const MAX_RECURSION_DEPTH: usize = 1 << 20;
/// wasmi value-stack limit in bytes, far above what the depth budget admits.
const MAX_STACK_HEIGHT: usize = 1 << 30;

/// The process-wide engine every activated module is compiled for (no fuel: we meter ourselves).
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::default();
        config
            .consume_fuel(false)
            .set_max_recursion_depth(MAX_RECURSION_DEPTH)
            .set_max_stack_height(MAX_STACK_HEIGHT);
        Engine::new(&config)
    })
}

/// Runs `program` with `gas` EVM gas: charges the call costs, meters ink and maps the result.
pub fn execute(
    program: &ActivatedProgram,
    calldata: &[u8],
    data: &EvmData,
    api: &mut dyn EvmApi,
    gas: u64,
    params: &StylusParams,
) -> ExecOutcome {
    let ink_price = u64::from(params.ink_price.max(1));
    let Some(gas) = gas.checked_sub(call_cost(program, data, api, params)) else {
        return out_of_gas();
    };
    let start_gas = gas;
    let run = run(
        program,
        calldata,
        data,
        api,
        gas.saturating_mul(ink_price),
        params,
    );
    let gas_left = run.ink_left / ink_price;
    match run.status {
        ExitStatus::Success | ExitStatus::Revert => {
            finish_with_data(run.status, run.output, gas_left, start_gas, params)
        }
        ExitStatus::Failure => ExecOutcome {
            status: run.status,
            output: Default::default(),
            gas_left,
        },
        ExitStatus::OutOfInk | ExitStatus::OutOfStack => ExecOutcome {
            status: run.status,
            output: Default::default(),
            gas_left: 0,
        },
    }
}

/// Entry cost: memory for the footprint, cached init gas (always from v2) and init gas
/// unless the program is cached.
fn call_cost(
    program: &ActivatedProgram,
    data: &EvmData,
    api: &mut dyn EvmApi,
    params: &StylusParams,
) -> u64 {
    let mut cost = api.add_pages(program.footprint);
    if data.cached || program.version > 1 {
        cost = cost.saturating_add(program.cached_gas(params));
    }
    if !data.cached {
        cost = cost.saturating_add(program.init_gas(params));
    }
    cost
}

fn out_of_gas() -> ExecOutcome {
    ExecOutcome {
        status: ExitStatus::OutOfInk,
        output: Default::default(),
        gas_left: 0,
    }
}

/// Applies the ArbOS 31 rule: returning data costs at least its EVM memory expansion.
fn finish_with_data(
    status: ExitStatus,
    output: Vec<u8>,
    gas_left: u64,
    start_gas: u64,
    params: &StylusParams,
) -> ExecOutcome {
    let mut gas_left = gas_left;
    if params.arbos_version >= ARBOS_RETURN_DATA_CAP {
        let Some(max_left) = start_gas.checked_sub(evm_memory_cost(output.len() as u64)) else {
            return out_of_gas();
        };
        gas_left = gas_left.min(max_left);
    }
    ExecOutcome {
        status,
        output: output.into(),
        gas_left,
    }
}

/// What a run produced before gas conversion.
struct Run {
    status: ExitStatus,
    output: Vec<u8>,
    ink_left: u64,
}

fn run(
    program: &ActivatedProgram,
    calldata: &[u8],
    data: &EvmData,
    api: &mut dyn EvmApi,
    ink: u64,
    params: &StylusParams,
) -> Run {
    let state = HostState {
        api,
        data,
        calldata,
        ink_price: u64::from(params.ink_price.max(1)),
        arbos_version: params.arbos_version,
        output: Vec::new(),
        return_data: Default::default(),
        storage: StorageCache::default(),
        handles: None,
    };
    let mut store = Store::new(engine(), state);
    let failure = |ink_left| Run {
        status: ExitStatus::Failure,
        output: Vec::new(),
        ink_left,
    };
    let Ok(linker) = linker(engine()) else {
        return failure(ink);
    };
    let Ok(instance) = linker.instantiate_and_start(&mut store, &program.module) else {
        return failure(ink);
    };
    let Some(meter) = Meter::attach(&instance, &mut store, ink, params.max_stack_depth) else {
        return failure(ink);
    };
    let Ok(entry) = instance.get_typed_func::<u32, u32>(&store, ENTRYPOINT) else {
        return failure(ink);
    };
    let args_len = u32::try_from(calldata.len()).unwrap_or(u32::MAX);
    let result = entry.call(&mut store, args_len);
    let ink_left = meter.ink_left(&store);
    let status = match result {
        Ok(code) => exit_status(code),
        Err(err) => match err.downcast_ref::<Escape>() {
            Some(Escape::Exit(code)) => exit_status(*code),
            Some(Escape::OutOfInk) => ExitStatus::OutOfInk,
            Some(Escape::Failure(_)) | None => meter.trap_status(&store),
        },
    };
    let output = std::mem::take(&mut store.data_mut().output);
    Run {
        status,
        output,
        ink_left,
    }
}

fn exit_status(code: u32) -> ExitStatus {
    if code == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Revert
    }
}

/// The instance's metering globals.
struct Meter {
    ink_left: wasmi::Global,
    ink_status: wasmi::Global,
}

impl Meter {
    /// Loads the ink and depth budget and hands the hostios their handles.
    fn attach(
        instance: &Instance,
        store: &mut Store<HostState<'_>>,
        ink: u64,
        stack: u32,
    ) -> Option<Self> {
        let ink_left = instance.get_global(&*store, INK_LEFT)?;
        let ink_status = instance.get_global(&*store, INK_STATUS)?;
        let stack_left = instance.get_global(&*store, STACK_LEFT)?;
        let memory = instance.get_memory(&*store, MEMORY)?;
        ink_left.set(&mut *store, Val::I64(ink as i64)).ok()?;
        stack_left.set(&mut *store, Val::I32(stack as i32)).ok()?;
        store.data_mut().handles = Some(Handles { memory, ink_left });
        Some(Self {
            ink_left,
            ink_status,
        })
    }

    fn ink_left(&self, store: &Store<HostState<'_>>) -> u64 {
        match self.ink_left.get(store) {
            Val::I64(ink) => ink as u64,
            _ => 0,
        }
    }

    /// Classifies a trap: metering traps set the status global first.
    fn trap_status(&self, store: &Store<HostState<'_>>) -> ExitStatus {
        match self.ink_status.get(store) {
            Val::I32(STATUS_OUT_OF_INK) => ExitStatus::OutOfInk,
            Val::I32(STATUS_OUT_OF_STACK) => ExitStatus::OutOfStack,
            _ => ExitStatus::Failure,
        }
    }
}
