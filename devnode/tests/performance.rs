//! Throughput of signed transfers over loopback and cold-start time (library and binary),
//! printed as figures (benchmarks, not timed assertions); the assertions check the results.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::Instant;

use alloy::signers::local::PrivateKeySigner;
use alloy_primitives::{Address, Bytes, TxKind, U256};
use serde_json::json;
use stylus_devnode::chain::genesis::EXTRA_PRIVATE_KEYS;
use support::*;

const CLIENTS: usize = 4;
const TXS_PER_CLIENT: u64 = 500;

#[test]
fn two_thousand_transfers_from_concurrent_clients() {
    let node = stylus_devnode::spawn_local().expect("devnode");
    let url = node.url();
    let chain_id = 412_346;
    let signers: Vec<PrivateKeySigner> = EXTRA_PRIVATE_KEYS[..CLIENTS]
        .iter()
        .map(|k| PrivateKeySigner::from_str(k).expect("key"))
        .collect();
    // Pre-sign so the measurement covers the node, not the client's signing.
    let batches: Vec<Vec<Vec<u8>>> = signers
        .iter()
        .enumerate()
        .map(|(i, signer)| {
            let to = TxKind::Call(Address::repeat_byte(0x50 + i as u8));
            (0..TXS_PER_CLIENT)
                .map(|nonce| {
                    signed_raw(
                        signer,
                        chain_id,
                        nonce,
                        to,
                        U256::from(1),
                        Bytes::new(),
                        21_000,
                    )
                })
                .collect()
        })
        .collect();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for batch in &batches {
            let url = url.clone();
            scope.spawn(move || {
                for raw in batch {
                    let response = rpc(
                        &url,
                        "eth_sendRawTransaction",
                        json!([Bytes::from(raw.clone())]),
                    );
                    assert!(response["result"].is_string(), "{response}");
                }
            });
        }
    });
    let elapsed = started.elapsed();
    let total = CLIENTS as u64 * TXS_PER_CLIENT;
    println!(
        "{total} transfers from {CLIENTS} clients in {:.2} s: {:.0} tx/s",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(
        rpc(&url, "eth_blockNumber", json!([]))["result"],
        json!(format!("{total:#x}"))
    );
    for i in 0..CLIENTS {
        let balance = rpc(
            &url,
            "eth_getBalance",
            json!([Address::repeat_byte(0x50 + i as u8)]),
        );
        assert_eq!(balance["result"], json!(format!("{TXS_PER_CLIENT:#x}")));
    }
}

#[test]
fn library_node_serves_as_soon_as_spawn_returns() {
    let started = Instant::now();
    let node = stylus_devnode::spawn_local().expect("devnode");
    let response = rpc(&node.url(), "eth_chainId", json!([]));
    let elapsed = started.elapsed();
    println!("spawn_local to first answer: {} ms", elapsed.as_millis());
    assert_eq!(response["result"], json!("0x64aba"));
}

#[test]
fn binary_announces_its_port_and_serves() {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_stylus-devnode"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("run stylus-devnode");
    let stdout = child.stdout.take().expect("stdout");
    let url = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("Listening on ").map(str::to_string));
    let elapsed = started.elapsed();
    let answer = url.as_deref().map(|url| rpc(url, "eth_chainId", json!([])));
    let _ = child.kill();
    let _ = child.wait();
    let url = url.expect("Listening on line");
    println!("binary cold start: {} ms ({url})", elapsed.as_millis());
    assert_eq!(answer.expect("answer")["result"], json!("0x64aba"));

    let help = Command::new(env!("CARGO_BIN_EXE_stylus-devnode"))
        .arg("--help")
        .output()
        .expect("help");
    let text = String::from_utf8_lossy(&help.stdout);
    for option in ["--port", "--host", "--chain-id", "--help"] {
        assert!(text.contains(option), "--help lacks {option}");
    }
}
