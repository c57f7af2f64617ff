//! Deploys the zAMM Stylus program to any Arbitrum chain (or the local devnode) without
//! cargo-stylus, using the same deploy code as the integration tests. Run via `scripts/deploy.sh`.
//!
//! ```text
//! cargo run -q --example deploy -- [--rpc-url URL] [--salt HEX] [--wasm PATH]
//! ```
//! Key: `PRIVATE_KEY` or the file at `PRIVATE_KEY_PATH`. Without `--rpc-url`/`RPC_URL` it targets
//! the local devnode at http://127.0.0.1:8547 with the Nitro dev key.

#[path = "../tests/common/deploy.rs"]
mod deploy;

use std::path::PathBuf;
use std::process::ExitCode;

use alloy::network::EthereumWallet;
use alloy::primitives::{B256, U256};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;

const LOCAL_RPC: &str = "http://127.0.0.1:8547";

struct Args {
    rpc_url: Option<String>,
    salt: Option<B256>,
    wasm: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        rpc_url: std::env::var("RPC_URL").ok().filter(|s| !s.is_empty()),
        salt: None,
        wasm: None,
    };
    let mut salt = std::env::var("SALT").ok().filter(|s| !s.is_empty());
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--rpc-url" => args.rpc_url = Some(value("--rpc-url")?),
            "--salt" => salt = Some(value("--salt")?),
            "--wasm" => args.wasm = Some(PathBuf::from(value("--wasm")?)),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    args.salt = salt.map(|s| parse_salt(&s)).transpose()?;
    Ok(args)
}

/// Hex salt of up to 32 bytes, left-padded with zeros.
fn parse_salt(s: &str) -> Result<B256, String> {
    let hex = s.trim().trim_start_matches("0x");
    if hex.is_empty() || hex.len() > 64 {
        return Err(format!("salt must be 1..32 bytes of hex, got {s:?}"));
    }
    let v = U256::from_str_radix(hex, 16).map_err(|e| format!("bad salt {s:?}: {e}"))?;
    Ok(B256::from(v))
}

/// The deployer key: `PRIVATE_KEY`, the file at `PRIVATE_KEY_PATH`, or (local devnode only) the
/// Nitro dev key.
fn private_key(local: bool) -> Result<String, String> {
    if let Ok(k) = std::env::var("PRIVATE_KEY") {
        return Ok(k);
    }
    if let Ok(path) = std::env::var("PRIVATE_KEY_PATH") {
        return std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read PRIVATE_KEY_PATH {path}: {e}"));
    }
    if local {
        return Ok(stylus_devnode::DEV_PRIVATE_KEY.to_string());
    }
    Err(
        "missing key: set PRIVATE_KEY or PRIVATE_KEY_PATH (a file holding the hex private key)"
            .into(),
    )
}

async fn run() -> Result<(), String> {
    let args = parse_args()?;
    let local = args.rpc_url.is_none();
    let url = args
        .rpc_url
        .clone()
        .unwrap_or_else(|| LOCAL_RPC.to_string());
    let signer: PrivateKeySigner = private_key(local)?
        .trim()
        .parse()
        .map_err(|e| format!("invalid private key: {e}"))?;
    let from = signer.address();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::new(signer))
        .connect_http(url.parse().map_err(|e| format!("bad RPC URL {url}: {e}"))?);
    let chain_id = provider
        .get_chain_id()
        .await
        .map_err(|e| format!("RPC unreachable at {url}: {e}"))?;
    println!("==> chain {chain_id} at {url}");
    if provider
        .get_balance(from)
        .await
        .map_err(|e| format!("eth_getBalance failed: {e}"))?
        .is_zero()
    {
        return Err(format!(
            "insufficient funds: deployer {from} has 0 wei on chain {chain_id}"
        ));
    }
    let wasm_path = match args.wasm {
        Some(p) => p,
        None => deploy::build_wasm()?,
    };
    let wasm = std::fs::read(&wasm_path).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    let code = deploy::prefixed_code(&wasm);
    println!(
        "==> wasm {} ({} bytes, {} compressed)",
        wasm_path.display(),
        wasm.len(),
        code.len() - 4
    );
    let d = deploy::deploy(&provider, from, &code, args.salt, &mut |m| {
        println!("==> {m}")
    })
    .await?;
    println!(
        "==> path used: {}; activation value sent: {} wei",
        d.method, d.activation_value
    );
    if d.method == deploy::VIA_CREATE {
        println!(
            "==> no StylusDeployer on this chain: feeToSetter = {from} was set by the CREATE \
             transaction itself and stylus_constructor() is locked"
        );
    }
    println!("address {}", d.address);
    println!("gas used {}", d.gas_used);
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
