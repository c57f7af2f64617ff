//! Stylus programs on the chain, driven only through JSON-RPC with signed EIP-1559
//! transactions: the cargo-stylus deployment flow (CREATE with the 43-byte prelude, then
//! `activateProgram`), EVM <-> WASM nesting with revert rollback and reentrancy, and the
//! StylusDeployer path.

mod support;

use alloy::providers::Provider;
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use alloy::sol_types::{SolCall, SolError, SolEvent};
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use serde_json::json;
use stylus_devnode::chain::precompiles::{IArbWasm, IStylusDeployer, ARB_WASM, STYLUS_DEPLOYER};
use support::stylus::*;
use support::*;

/// A test program. Command = first calldata byte:
/// 0 echo; 1 store(key=args[1..33], value=args[33..65]); 2 load(key=args[1..33]);
/// 3 store args[21..53] in slot 0 then call args[1..21] with args[21..] (reverts with the
///   callee's data on failure); 4 revert with args[1..]; 5 return msg_reentrant as a word;
/// 6 emit a log with topic args[1..33] and data args[33..]; 7 CREATE with init code args[1..],
/// returning the new address (20 bytes, zero on failure).
const PROGRAM: &str = r#"
(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $sload (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $scache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "read_return_data" (func $read_rd (param i32 i32 i32) (result i32)))
  (import "vm_hooks" "msg_reentrant" (func $reentrant (result i32)))
  (import "vm_hooks" "emit_log" (func $emit_log (param i32 i32 i32)))
  (import "vm_hooks" "create1" (func $create1 (param i32 i32 i32 i32 i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $status i32) (local $rlen i32)
    (call $read_args (i32.const 0))
    (block $create (block $log (block $reentrant (block $revert (block $callthen (block $load (block $store (block $echo
      (br_table $echo $store $load $callthen $revert $reentrant $log $create $echo (i32.load8_u (i32.const 0))))
      (call $write_result (i32.const 0) (local.get $len))
      (return (i32.const 0)))
      (call $scache (i32.const 1) (i32.const 33))
      (call $flush (i32.const 0))
      (return (i32.const 0)))
      (call $sload (i32.const 1) (i32.const 4096))
      (call $write_result (i32.const 4096) (i32.const 32))
      (return (i32.const 0)))
      (call $scache (i32.const 8192) (i32.const 21))
      (call $flush (i32.const 0))
      (local.set $status (call $call (i32.const 1) (i32.const 21)
        (i32.sub (local.get $len) (i32.const 21)) (i32.const 8224) (i64.const -1) (i32.const 8256)))
      (local.set $rlen (call $read_rd (i32.const 12288) (i32.const 0) (i32.load (i32.const 8256))))
      (call $write_result (i32.const 12288) (local.get $rlen))
      (return (i32.ne (local.get $status) (i32.const 0))))
      (call $write_result (i32.const 1) (i32.sub (local.get $len) (i32.const 1)))
      (return (i32.const 1)))
      (i32.store8 (i32.const 4127) (call $reentrant))
      (call $write_result (i32.const 4096) (i32.const 32))
      (return (i32.const 0)))
      (call $emit_log (i32.const 1) (i32.sub (local.get $len) (i32.const 1)) (i32.const 1))
      (return (i32.const 0)))
    (call $create1 (i32.const 1) (i32.sub (local.get $len) (i32.const 1)) (i32.const 8224)
      (i32.const 4096) (i32.const 8256))
    (call $write_result (i32.const 4096) (i32.const 20))
    (i32.const 0))
)
"#;

fn cmd(command: u8, parts: &[&[u8]]) -> Bytes {
    let mut out = vec![command];
    for part in parts {
        out.extend_from_slice(part);
    }
    out.into()
}

fn word(n: u64) -> [u8; 32] {
    U256::from(n).to_be_bytes()
}

#[tokio::test]
async fn cargo_stylus_flow_deploys_activates_and_runs_a_program() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let url = node.url();
    let p = provider(&url);
    let code = stylus_code(PROGRAM);
    let program = deploy_program(&p, &code).await;
    let codehash = keccak256(&code);

    // Before activation: codehashVersion reverts ProgramNotActivated (as `cargo stylus check`
    // expects) and calls fail consuming the gas.
    let query = IArbWasm::codehashVersionCall { codehash }.abi_encode();
    let response = rpc(
        &url,
        "eth_call",
        json!([{"to": ARB_WASM, "data": Bytes::from(query.clone())}]),
    );
    assert_eq!(response["error"]["code"], json!(3));
    assert_eq!(
        response["error"]["data"],
        json!(Bytes::from(IArbWasm::ProgramNotActivated {}.abi_encode()))
    );
    let tx = TransactionRequest::default()
        .to(program)
        .input(cmd(0, &[b"hi"]).into())
        .gas_limit(300_000);
    let failed = send(&p, tx).await;
    assert!(!failed.status());
    assert_eq!(failed.gas_used, 300_000);

    // Too little value reverts ProgramInsufficientValue; the exact fee activates.
    let fee = data_fee(&p, program).await;
    assert!(
        fee >= U256::from(82_928_201u64) * U256::from(512_000u64),
        "fee {fee}"
    );
    assert_eq!(fee % U256::from(82_928_201u64), U256::ZERO);
    let activation = IArbWasm::activateProgramCall { program }.abi_encode();
    let short = rpc(
        &url,
        "eth_call",
        json!([{"from": stylus_devnode::DEV_ADDRESS, "to": ARB_WASM, "data": Bytes::from(activation.clone()), "value": fee - U256::from(1)}]),
    );
    let want = IArbWasm::ProgramInsufficientValue {
        have: fee - U256::from(1),
        want: fee,
    };
    assert_eq!(
        short["error"]["data"],
        json!(Bytes::from(want.abi_encode()))
    );
    let before = p.get_balance(stylus_devnode::DEV_ADDRESS).await.unwrap();
    let overpay = U256::from(10u64).pow(U256::from(15));
    let receipt = transact(&p, ARB_WASM, activation.clone().into(), fee + overpay).await;
    assert!(receipt.status());
    let after = p.get_balance(stylus_devnode::DEV_ADDRESS).await.unwrap();
    let gas_cost = U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price);
    assert_eq!(
        before - after,
        fee + gas_cost,
        "excess value must be refunded"
    );
    assert!(receipt.gas_used > 1_659_168);
    let log = &receipt.inner.logs()[0];
    assert_eq!(log.address(), ARB_WASM);
    assert_eq!(log.topics()[0], IArbWasm::ProgramActivated::SIGNATURE_HASH);
    assert_eq!(log.topics()[1], codehash);
    let version = call_bytes(&p, ARB_WASM, query.into()).await;
    assert_eq!(U256::from_be_slice(&version), U256::from(2));
    let again = rpc(
        &url,
        "eth_call",
        json!([{"from": stylus_devnode::DEV_ADDRESS, "to": ARB_WASM, "data": Bytes::from(activation), "value": fee}]),
    );
    assert_eq!(
        again["error"]["data"],
        json!(Bytes::from(IArbWasm::ProgramUpToDate {}.abi_encode()))
    );

    // The program runs: value, echo, storage round trip, revert data, logs.
    let paid = transact(&p, program, cmd(0, &[]), U256::from(1_000)).await;
    assert!(paid.status());
    assert_eq!(p.get_balance(program).await.unwrap(), U256::from(1_000));
    assert_eq!(
        call_bytes(&p, program, cmd(0, &[b"hello"])).await,
        cmd(0, &[b"hello"])
    );
    let stored = transact(&p, program, cmd(1, &[&word(5), &word(99)]), U256::ZERO).await;
    assert!(stored.status());
    assert_eq!(
        p.get_storage_at(program, U256::from(5)).await.unwrap(),
        U256::from(99)
    );
    assert_eq!(
        call_bytes(&p, program, cmd(2, &[&word(5)])).await,
        Bytes::from(word(99))
    );
    let reverted = rpc(
        &url,
        "eth_call",
        json!([{"to": program, "data": cmd(4, &[b"nope"])}]),
    );
    assert_eq!(reverted["error"]["code"], json!(3));
    assert_eq!(
        reverted["error"]["data"],
        json!(Bytes::from(b"nope".to_vec()))
    );
    let logged = transact(&p, program, cmd(6, &[&word(7), b"data"]), U256::ZERO).await;
    let log = &logged.inner.logs()[0];
    assert_eq!(
        (log.address(), log.topics()[0]),
        (program, B256::from(word(7)))
    );
    assert_eq!(log.data().data.to_vec(), b"data".to_vec());

    // CREATE from WASM: the program deploys an EVM contract (its nonce starts at 1, EIP-161).
    let created = transact(
        &p,
        program,
        cmd(7, &[&evm_initcode(&hex_code(STORE_RUNTIME))]),
        U256::ZERO,
    )
    .await;
    assert!(created.status());
    let child = program.create(1);
    assert_eq!(
        p.get_code_at(child).await.unwrap().to_vec(),
        hex_code(STORE_RUNTIME)
    );
    let returned = call_bytes(
        &p,
        program,
        cmd(7, &[&evm_initcode(&hex_code(STORE_RUNTIME))]),
    )
    .await;
    assert_eq!(Address::from_slice(&returned), program.create(2));

    // EVM code cannot be activated.
    let store = deploy(&p, evm_initcode(&hex_code(STORE_RUNTIME))).await;
    let input = IArbWasm::activateProgramCall { program: store }.abi_encode();
    let response = rpc(
        &url,
        "eth_call",
        json!([{"from": stylus_devnode::DEV_ADDRESS, "to": ARB_WASM, "data": Bytes::from(input), "value": fee}]),
    );
    assert_eq!(
        response["error"]["data"],
        json!(Bytes::from(IArbWasm::ProgramNotWasm {}.abi_encode()))
    );
}

#[tokio::test]
async fn nested_evm_and_wasm_calls_roll_back_on_revert() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let p = provider(&node.url());
    let program = deploy_program(&p, &stylus_code(PROGRAM)).await;
    activate(&p, program).await;
    let store = deploy(&p, evm_initcode(&hex_code(STORE_RUNTIME))).await;
    let forwarder = deploy(&p, evm_initcode(&hex_code(FORWARDER_RUNTIME))).await;
    let via =
        |target: Address, inner: Bytes| -> Bytes { [target.as_slice(), &inner].concat().into() };

    // EVM -> WASM -> EVM: forwarder calls the program, which stores and calls the store contract.
    let ok = cmd(3, &[store.as_slice(), &word(11), &word(0)]);
    let receipt = transact(&p, forwarder, via(program, ok), U256::ZERO).await;
    assert!(receipt.status());
    assert_eq!(
        p.get_storage_at(store, U256::ZERO).await.unwrap(),
        U256::from(11)
    );
    assert_eq!(
        p.get_storage_at(program, U256::ZERO).await.unwrap(),
        U256::from(11)
    );

    // The innermost EVM frame reverts: the program reverts too and every write rolls back.
    let failing = cmd(3, &[store.as_slice(), &word(12), &word(1)]);
    let tx = TransactionRequest::default()
        .to(forwarder)
        .input(via(program, failing.clone()).into())
        .gas_limit(1_000_000);
    let receipt = send(&p, tx).await;
    assert!(!receipt.status());
    assert_eq!(
        p.get_storage_at(store, U256::ZERO).await.unwrap(),
        U256::from(11)
    );
    assert_eq!(
        p.get_storage_at(program, U256::ZERO).await.unwrap(),
        U256::from(11)
    );

    // Static context propagates into WASM and on into EVM: reads work, writes fail.
    let static_fwd = deploy(&p, evm_initcode(&hex_code(STATIC_FORWARDER_RUNTIME))).await;
    let read = call_bytes(&p, static_fwd, via(program, cmd(2, &[&word(0)]))).await;
    assert_eq!(U256::from_be_slice(&read), U256::from(11));
    for write in [
        cmd(1, &[&word(0), &word(5)]),
        cmd(3, &[store.as_slice(), &word(13), &word(0)]),
    ] {
        let response = rpc(
            &node.url(),
            "eth_call",
            json!([{"to": static_fwd, "data": via(program, write)}]),
        );
        assert_eq!(response["error"]["code"], json!(3), "{response}");
    }

    // Revert data from the program bubbles up through the EVM forwarder unchanged.
    let revert_data = rpc(
        &node.url(),
        "eth_call",
        json!([{"to": forwarder, "data": via(program, cmd(4, &[b"deep"]))}]),
    );
    assert_eq!(
        revert_data["error"]["data"],
        json!(Bytes::from(b"deep".to_vec()))
    );

    // WASM -> EVM -> WASM re-entering the same program: msg_reentrant is set only then.
    let direct = call_bytes(&p, program, cmd(5, &[])).await;
    assert_eq!(U256::from_be_slice(&direct), U256::ZERO);
    let reenter = cmd(3, &[forwarder.as_slice(), program.as_slice(), &[5]]);
    let nested = call_bytes(&p, program, reenter).await;
    assert_eq!(U256::from_be_slice(&nested), U256::from(1));
    // ... and state written by the outer frame is visible to the re-entered one.
    let reread = cmd(
        3,
        &[forwarder.as_slice(), program.as_slice(), &[2], &word(0)],
    );
    let receipt = transact(&p, program, reread.clone(), U256::ZERO).await;
    assert!(receipt.status());
    let seen = call_bytes(&p, program, reread).await;
    let slot0 = p.get_storage_at(program, U256::ZERO).await.unwrap();
    assert_eq!(U256::from_be_slice(&seen), slot0);
}

#[tokio::test]
async fn stylus_deployer_creates_activates_and_initialises() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let p = provider(&node.url());
    assert!(!p.get_code_at(STYLUS_DEPLOYER).await.unwrap().is_empty());
    let code = stylus_code(PROGRAM);
    let initcode = Bytes::from(stylus_initcode(&code));
    let init_data = cmd(1, &[&word(1), &word(0x1234)]);

    // Fee estimate from a throwaway deployment simulated with eth_call (as cargo-stylus does).
    let fee = U256::from(82_928_201u64) * U256::from(2_000_000u64);
    let deploy_call = |salt: B256| IStylusDeployer::deployCall {
        bytecode: initcode.clone(),
        initData: init_data.clone(),
        initValue: U256::ZERO,
        salt,
    };
    let before = p.get_balance(stylus_devnode::DEV_ADDRESS).await.unwrap();
    let input: Bytes = deploy_call(B256::ZERO).abi_encode().into();
    let receipt = transact(&p, STYLUS_DEPLOYER, input, fee).await;
    assert!(receipt.status());
    let deployed = receipt
        .inner
        .logs()
        .iter()
        .find(|l| l.topics()[0] == IStylusDeployer::ContractDeployed::SIGNATURE_HASH)
        .expect("ContractDeployed");
    assert_eq!(
        IStylusDeployer::ContractDeployed::SIGNATURE_HASH.to_string(),
        "0x8ffcdc15a283d706d38281f500270d8b5a656918f555de0913d7455e3e6bc1bf"
    );
    let program = Address::from_slice(&deployed.data().data[12..32]);
    assert_eq!(program, STYLUS_DEPLOYER.create(0));
    assert!(receipt.inner.logs().iter().any(|l| l.address() == ARB_WASM));
    assert_eq!(
        p.get_storage_at(program, U256::from(1)).await.unwrap(),
        U256::from(0x1234)
    );
    let paid_fee = data_fee_from_logs(&receipt);
    let after = p.get_balance(stylus_devnode::DEV_ADDRESS).await.unwrap();
    let gas_cost = U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price);
    assert_eq!(
        before - after,
        paid_fee + gas_cost,
        "leftover value must be refunded"
    );

    // CREATE2 path with a salt: the code is active already, so nothing is charged.
    let salt = B256::repeat_byte(9);
    let input: Bytes = deploy_call(salt).abi_encode().into();
    let receipt = transact(&p, STYLUS_DEPLOYER, input, fee).await;
    assert!(receipt.status());
    assert!(!receipt.inner.logs().iter().any(|l| l.address() == ARB_WASM));
    let mixed = keccak256([salt.as_slice(), &init_data, &word(0)].concat());
    let expected = STYLUS_DEPLOYER.create2(mixed, keccak256(&initcode));
    let log = receipt.inner.logs().last().expect("log");
    assert_eq!(Address::from_slice(&log.data().data[12..32]), expected);
    assert_eq!(
        call_bytes(&p, expected, cmd(2, &[&word(1)])).await,
        Bytes::from(word(0x1234))
    );

    // A failing initialiser reverts the whole deployment.
    let bad = IStylusDeployer::deployCall {
        bytecode: initcode.clone(),
        initData: cmd(4, &[b"no"]),
        initValue: U256::ZERO,
        salt: B256::repeat_byte(3),
    };
    let response = rpc(
        &node.url(),
        "eth_call",
        json!([{"to": STYLUS_DEPLOYER, "data": Bytes::from(bad.abi_encode())}]),
    );
    assert_eq!(response["error"]["code"], json!(3));
    let data: Bytes = serde_json::from_value(response["error"]["data"].clone()).unwrap();
    assert_eq!(
        data[..4],
        IStylusDeployer::ContractInitializationError::SELECTOR
    );
}

/// The data fee from a receipt's ProgramActivated log.
fn data_fee_from_logs(receipt: &TransactionReceipt) -> U256 {
    let log = receipt
        .inner
        .logs()
        .iter()
        .find(|l| l.address() == ARB_WASM)
        .expect("ProgramActivated");
    IArbWasm::ProgramActivated::decode_log_data(log.data())
        .expect("event")
        .dataFee
}

#[tokio::test]
async fn cargo_stylus_check_simulates_activation_with_a_state_override() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let url = node.url();
    let code = Bytes::from(stylus_code(PROGRAM));
    let sender = Address::repeat_byte(0xaa);
    let target = Address::repeat_byte(0xbb);
    let check = |code: &Bytes| {
        let input = Bytes::from(IArbWasm::activateProgramCall { program: target }.abi_encode());
        let tx =
            json!({"from": sender, "to": ARB_WASM, "data": input, "value": "0xde0b6b3a7640000"});
        let overrides = json!({
            format!("{sender}"): {"balance": format!("{:#x}", U256::MAX)},
            format!("{target}"): {"code": code},
        });
        rpc(&url, "eth_call", json!([tx, "latest", overrides]))
    };

    // `[tx]` without a block tag, as cargo-stylus sends codehashVersion.
    let query = IArbWasm::codehashVersionCall {
        codehash: keccak256(&code),
    }
    .abi_encode();
    let response = rpc(
        &url,
        "eth_call",
        json!([{"to": ARB_WASM, "data": Bytes::from(query)}]),
    );
    assert_eq!(
        response["error"]["data"],
        json!(Bytes::from(IArbWasm::ProgramNotActivated {}.abi_encode()))
    );

    let response = check(&code);
    let out: Bytes = serde_json::from_value(response["result"].clone()).expect("activation result");
    let ret = IArbWasm::activateProgramCall::abi_decode_returns(&out).expect("returns");
    assert_eq!(ret.version, 2);
    assert!(ret.dataFee > U256::ZERO);
    // Simulation leaves no trace.
    assert_eq!(
        rpc(&url, "eth_getCode", json!([target, "latest"]))["result"],
        json!("0x")
    );
    assert_eq!(
        rpc(&url, "eth_blockNumber", json!([]))["result"],
        json!("0x0")
    );

    // Invalid WASM is reported with a readable reason.
    let no_entrypoint = Bytes::from(stylus_code(r#"(module (memory (export "memory") 1 1))"#));
    let response = check(&no_entrypoint);
    assert_eq!(response["error"]["code"], json!(3));
    let message = response["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("execution reverted: activation failed"),
        "{message}"
    );
}
