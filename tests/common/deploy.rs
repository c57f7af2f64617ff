//! Deploying the zAMM Stylus program exactly like cargo-stylus does, without cargo-stylus.
//!
//! Code = `EF F0 00 00` ‖ brotli-11(wasm), wrapped in cargo-stylus's 43-byte CREATE prelude. The
//! contract has an SDK `#[constructor]`, so like `cargo stylus deploy` we go through the
//! StylusDeployer (CREATE/CREATE2 + activate + constructor in one transaction) when it exists on
//! the chain. Without it (and without a salt) we fall back to CREATE, then
//! `ArbWasm.activateProgram{value: dataFee}`. A separate constructor call could be front-run, so
//! that CREATE's init code does the constructor's work itself: it stores `ORIGIN` as feeToSetter
//! and sets the SDK's constructor-executed marker, so `stylus_constructor()` can never run later.
//! Shared by the test harness, `examples/deploy.rs` and the gas bench so there is one deploy
//! implementation.

use std::path::{Path, PathBuf};
use std::process::Command;

use alloy::network::TransactionBuilder;
use alloy::primitives::{address, keccak256, Address, Bytes, B256, U256};
use alloy::providers::Provider;
use alloy::rpc::types::state::AccountOverride;
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use alloy::sol;
use alloy::sol_types::{SolCall, SolError, SolValue};

/// ArbWasm precompile.
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
/// StylusDeployer as deployed on Arbitrum chains (and pre-installed by the devnode).
pub const STYLUS_DEPLOYER: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
/// topic0 of `ContractDeployed(address)`.
const CONTRACT_DEPLOYED: B256 =
    alloy::primitives::b256!("8ffcdc15a283d706d38281f500270d8b5a656918f555de0913d7455e3e6bc1bf");
/// Selector of the SDK's `stylus_constructor()` entry point.
pub const STYLUS_CONSTRUCTOR: [u8; 4] = [0x55, 0x85, 0x25, 0x8d];
/// stylus-sdk 0.10.10's constructor-executed marker: a `StorageBool` at offset 0 of the slot
/// keccak256("stylus_constructor").
pub const CONSTRUCTOR_EXECUTED_SLOT: B256 =
    alloy::primitives::b256!("d719fb9eca6bd48044bf2b38d80aea3dd666511b0236081cd9a2b95555fe7c8c");
/// The word the SDK stores for `true` there: storage offsets count bytes from the left of the
/// big-endian word, so offset 0 is the high byte.
pub const CONSTRUCTOR_EXECUTED: U256 = U256::from_limbs([0, 0, 0, 1 << 56]);
/// zAMM's feeToSetter slot, which its constructor sets to `tx.origin`.
pub const FEE_TO_SETTER_SLOT: u8 = 0;
/// How the two paths are reported.
pub const VIA_DEPLOYER: &str = "StylusDeployer";
pub const VIA_CREATE: &str =
    "CREATE with feeToSetter set in its init code (+ activateProgram when needed)";
/// cargo-stylus adds 20% to the simulated data fee.
const FEE_MARGIN_PERCENT: u64 = 20;

sol! {
    interface IArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
    }
    interface IStylusDeployer {
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt)
            external payable returns (address);
        error ContractDeploymentError(bytes bytecode);
        error ContractInitializationError(address newContract, bytes data);
    }
}

/// Result of a deployment.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub address: Address,
    /// Total gasUsed of every transaction the deployment sent.
    pub gas_used: u64,
    /// Wei sent for activation (data fee + margin; the node refunds the excess).
    pub activation_value: U256,
    /// Which path was taken.
    pub method: &'static str,
}

/// Repository root (this file lives in `tests/common/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Builds the deployable WASM (cargo decides staleness) and returns its path. `ZAMM_WASM`
/// overrides the path and skips the build; `scripts/build-wasm.sh` is preferred when present.
pub fn build_wasm() -> Result<PathBuf, String> {
    if let Ok(p) = std::env::var("ZAMM_WASM") {
        return Ok(PathBuf::from(p));
    }
    let root = repo_root();
    let script = root.join("scripts/build-wasm.sh");
    let out = if script.exists() {
        Command::new("bash")
            .arg(&script)
            .current_dir(&root)
            .output()
    } else {
        Command::new(env!("CARGO"))
            .args([
                "build",
                "-q",
                "--release",
                "--target",
                "wasm32-unknown-unknown",
                "--lib",
            ])
            .args(["-p", "zamm"])
            .current_dir(&root)
            .output()
    }
    .map_err(|e| format!("cannot run the wasm build: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "wasm build failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let printed = String::from_utf8_lossy(&out.stdout);
    let path = printed
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.ends_with(".wasm"))
        .map(|l| root.join(l))
        .unwrap_or_else(|| root.join("target/wasm32-unknown-unknown/release/zamm.wasm"));
    if path.exists() {
        Ok(path)
    } else {
        Err(format!("wasm not found at {}", path.display()))
    }
}

/// `EF F0 00 00` ‖ brotli(quality 11, window 22) of the wasm, as cargo-stylus writes it.
pub fn prefixed_code(wasm: &[u8]) -> Vec<u8> {
    let mut out = vec![0xEF, 0xF0, 0x00, 0x00];
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut input = wasm;
    // Writing into a Vec cannot fail.
    brotli::BrotliCompress(&mut input, &mut out, &params).expect("in-memory brotli");
    out
}

/// cargo-stylus's 43-byte init prelude: PUSH32 len, DUP1, PUSH1 43, PUSH1 0, CODECOPY, PUSH1 0,
/// RETURN, then the version byte 0; the code follows.
pub fn initcode(code: &[u8]) -> Vec<u8> {
    with_return_prelude(Vec::new(), code)
}

/// Init code for the CREATE fallback: the constructor's effects, then the cargo-stylus prelude.
/// `ORIGIN PUSH1 0 SSTORE` (feeToSetter = tx.origin), `PUSH32 true-word PUSH32 marker-slot
/// SSTORE` (constructor executed), then PUSH32 len ... RETURN over the code (114-byte prelude).
pub fn initcode_with_constructor(code: &[u8]) -> Vec<u8> {
    const ORIGIN: u8 = 0x32;
    const PUSH1: u8 = 0x60;
    const PUSH32: u8 = 0x7f;
    const SSTORE: u8 = 0x55;
    let mut v = vec![ORIGIN, PUSH1, FEE_TO_SETTER_SLOT, SSTORE, PUSH32];
    v.extend_from_slice(&CONSTRUCTOR_EXECUTED.to_be_bytes::<32>());
    v.push(PUSH32);
    v.extend_from_slice(CONSTRUCTOR_EXECUTED_SLOT.as_slice());
    v.push(SSTORE);
    with_return_prelude(v, code)
}

/// Appends to `head` the code-returning part of the prelude (PUSH32 len, DUP1, PUSH1 offset,
/// PUSH1 0, CODECOPY, PUSH1 0, RETURN, version byte 0) and the code; offset = where code starts.
fn with_return_prelude(mut head: Vec<u8>, code: &[u8]) -> Vec<u8> {
    let offset = head.len() + 43;
    let offset = u8::try_from(offset).expect("prelude shorter than 256 bytes");
    head.reserve(43 + code.len());
    head.push(0x7f);
    head.extend_from_slice(&U256::from(code.len()).to_be_bytes::<32>());
    head.extend_from_slice(&[0x80, 0x60, offset, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
    head.extend_from_slice(code);
    head
}

/// Deploys `code` (already prefixed) from `from`. `salt` forces the StylusDeployer (CREATE2).
pub async fn deploy<P: Provider>(
    provider: &P,
    from: Address,
    code: &[u8],
    salt: Option<B256>,
    progress: &mut dyn FnMut(&str),
) -> Result<Deployment, String> {
    let balance = provider
        .get_balance(from)
        .await
        .map_err(|e| format!("RPC unreachable or failing (eth_getBalance): {e}"))?;
    let active = already_active(provider, code).await;
    let has_deployer = !provider
        .get_code_at(STYLUS_DEPLOYER)
        .await
        .map_err(|e| format!("eth_getCode failed: {e}"))?
        .is_empty();
    progress(&format!(
        "deployer {from}: balance {balance} wei; program {}; StylusDeployer {}",
        if active {
            "already activated"
        } else {
            "not yet activated"
        },
        if has_deployer { "present" } else { "absent" }
    ));
    match (has_deployer, salt) {
        (true, _) => {
            via_stylus_deployer(
                provider,
                from,
                code,
                salt.unwrap_or_default(),
                active,
                progress,
            )
            .await
        }
        (false, Some(_)) => Err(format!(
            "--salt needs the StylusDeployer at {STYLUS_DEPLOYER}, which has no code on this chain"
        )),
        (false, None) => via_create(provider, from, code, active, balance, progress).await,
    }
}

/// `ArbWasm.codehashVersion(keccak(code))` succeeds iff this exact code is already activated.
async fn already_active<P: Provider>(provider: &P, code: &[u8]) -> bool {
    let call = IArbWasm::codehashVersionCall {
        codehash: keccak256(code),
    };
    let req = TransactionRequest::default()
        .with_to(ARB_WASM)
        .with_input(call.abi_encode());
    provider.call(req).await.is_ok()
}

/// Simulates `activateProgram` for `code` placed at a scratch address (state override), as
/// `cargo stylus check` does, and returns the data fee plus the 20% margin.
async fn simulated_data_fee<P: Provider>(
    provider: &P,
    from: Address,
    code: &[u8],
) -> Result<U256, String> {
    let scratch = Address::from_slice(&keccak256(code)[12..]);
    let overrides = [
        (
            scratch,
            AccountOverride::default().with_code(Bytes::copy_from_slice(code)),
        ),
        (
            from,
            AccountOverride {
                balance: Some(U256::MAX >> 8),
                ..Default::default()
            },
        ),
    ];
    activation_fee_at(
        provider,
        from,
        scratch,
        Some(overrides.into_iter().collect()),
    )
    .await
}

/// Data fee (+ margin) returned by an `activateProgram(program)` eth_call.
async fn activation_fee_at<P: Provider>(
    provider: &P,
    from: Address,
    program: Address,
    overrides: Option<alloy::rpc::types::state::StateOverride>,
) -> Result<U256, String> {
    let probe_value = U256::from(10u64).pow(U256::from(18u64));
    let req = TransactionRequest::default()
        .with_from(from)
        .with_to(ARB_WASM)
        .with_value(probe_value)
        .with_input(IArbWasm::activateProgramCall { program }.abi_encode());
    let out = provider
        .call(req)
        .overrides_opt(overrides)
        .await
        .map_err(|e| format!("activation simulation failed (is the wasm valid?): {e}"))?;
    let ret = IArbWasm::activateProgramCall::abi_decode_returns(&out)
        .map_err(|e| format!("bad activateProgram return: {e}"))?;
    Ok(ret.dataFee + ret.dataFee * U256::from(FEE_MARGIN_PERCENT) / U256::from(100u64))
}

async fn via_stylus_deployer<P: Provider>(
    provider: &P,
    from: Address,
    code: &[u8],
    salt: B256,
    active: bool,
    progress: &mut dyn FnMut(&str),
) -> Result<Deployment, String> {
    let fee = if active {
        U256::ZERO
    } else {
        simulated_data_fee(provider, from, code).await?
    };
    progress(&format!(
        "activation data fee incl. {FEE_MARGIN_PERCENT}% margin: {fee} wei"
    ));
    let bytecode = Bytes::from(initcode(code));
    let make = |init: &[u8]| {
        let call = IStylusDeployer::deployCall {
            bytecode: bytecode.clone(),
            initData: Bytes::copy_from_slice(init),
            initValue: U256::ZERO,
            salt,
        };
        TransactionRequest::default()
            .with_from(from)
            .with_to(STYLUS_DEPLOYER)
            .with_value(fee)
            .with_input(call.abi_encode())
    };
    // Run the SDK constructor when the program has one: a simulation that fails only in the
    // initialisation call means it has none. Any other failure is reported as is.
    let req = match provider.call(make(&STYLUS_CONSTRUCTOR)).await {
        Ok(_) => make(&STYLUS_CONSTRUCTOR),
        Err(e) => match e.as_error_resp().and_then(|p| p.as_revert_data()) {
            Some(d) if d.starts_with(&IStylusDeployer::ContractInitializationError::SELECTOR) => make(&[]),
            Some(d) if d.starts_with(&IStylusDeployer::ContractDeploymentError::SELECTOR) => {
                return Err(format!(
                    "StylusDeployer could not create the program: the CREATE2 address for salt {salt} is already taken; use another --salt"
                ))
            }
            _ => return Err(format!("StylusDeployer.deploy simulation failed: {e}")),
        },
    };
    progress("sending StylusDeployer.deploy (create + activate + constructor)");
    let receipt = send(provider, req).await?;
    let log = receipt
        .inner
        .logs()
        .iter()
        .find(|l| l.address() == STYLUS_DEPLOYER && l.topics().first() == Some(&CONTRACT_DEPLOYED))
        .ok_or("StylusDeployer emitted no ContractDeployed log")?;
    let address = match log.topics().get(1) {
        Some(t) => Address::from_word(*t),
        None => Address::abi_decode(&log.data().data)
            .map_err(|e| format!("bad ContractDeployed data: {e}"))?,
    };
    progress(&format!("deployed at {address} (gas {})", receipt.gas_used));
    Ok(Deployment {
        address,
        gas_used: receipt.gas_used,
        activation_value: fee,
        method: VIA_DEPLOYER,
    })
}

async fn via_create<P: Provider>(
    provider: &P,
    from: Address,
    code: &[u8],
    active: bool,
    balance: U256,
    progress: &mut dyn FnMut(&str),
) -> Result<Deployment, String> {
    progress(&format!(
        "sending CREATE ({} bytes of prefixed code; init code sets feeToSetter = {from} and \
         marks the constructor as run)",
        code.len()
    ));
    let req = TransactionRequest::default()
        .with_from(from)
        .with_deploy_code(initcode_with_constructor(code));
    let receipt = send(provider, req).await?;
    let address = receipt
        .contract_address
        .ok_or("CREATE receipt has no contractAddress")?;
    let mut gas_used = receipt.gas_used;
    progress(&format!("created {address} (gas {})", receipt.gas_used));
    let mut fee = U256::ZERO;
    if !active {
        fee = activation_fee_at(provider, from, address, None).await?;
        if fee > balance {
            return Err(format!(
                "insufficient funds: activation needs {fee} wei, balance {balance} wei"
            ));
        }
        progress(&format!(
            "activating (data fee incl. {FEE_MARGIN_PERCENT}% margin: {fee} wei)"
        ));
        let call = IArbWasm::activateProgramCall { program: address };
        let req = TransactionRequest::default()
            .with_from(from)
            .with_to(ARB_WASM)
            .with_value(fee)
            .with_input(call.abi_encode());
        let receipt = send(provider, req).await?;
        gas_used += receipt.gas_used;
        progress(&format!("activated (gas {})", receipt.gas_used));
    }
    Ok(Deployment {
        address,
        gas_used,
        activation_value: fee,
        method: VIA_CREATE,
    })
}

/// Sends a transaction and waits for a successful receipt, with readable errors.
async fn send<P: Provider>(
    provider: &P,
    req: TransactionRequest,
) -> Result<TransactionReceipt, String> {
    let pending = provider.send_transaction(req).await.map_err(|e| {
        let msg = e.to_string();
        if msg.contains("insufficient funds") {
            format!("insufficient funds for the deployment transaction: {msg}")
        } else {
            format!("transaction rejected: {msg}")
        }
    })?;
    let receipt = pending
        .get_receipt()
        .await
        .map_err(|e| format!("no receipt: {e}"))?;
    if receipt.status() {
        Ok(receipt)
    } else {
        Err(format!("transaction {} reverted", receipt.transaction_hash))
    }
}
