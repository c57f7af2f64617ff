//! `stylus-devnode`: run the local Stylus dev chain.

use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Instant;

use stylus_devnode::{spawn, NodeConfig, DEV_ADDRESS, DEV_PRIVATE_KEY};

const HELP: &str = "\
stylus-devnode: local Arbitrum-like chain running Stylus WASM and EVM behind JSON-RPC

USAGE:
    stylus-devnode [OPTIONS]

OPTIONS:
    --port <N>          JSON-RPC port (default 8547; 0 picks a free port)
    --host <IP>         interface to listen on (default 127.0.0.1)
    --chain-id <ID>     chain id (default 412346, like nitro --dev)
    --max-code-size <N> largest deployable code in bytes (default 24576, EIP-170)
    -h, --help          print this help
    -V, --version       print the version
";

/// Parses the command line into a config, or returns the text to print and the exit status.
fn parse_args(args: impl Iterator<Item = String>) -> Result<NodeConfig, (String, bool)> {
    let mut config = NodeConfig::default();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| (format!("error: {name} needs a value\n\n{HELP}"), false))
        };
        match flag.as_str() {
            "-h" | "--help" => return Err((HELP.to_string(), true)),
            "-V" | "--version" => {
                return Err((
                    format!("stylus-devnode {}", env!("CARGO_PKG_VERSION")),
                    true,
                ))
            }
            "--port" => {
                config.port = value("--port")?
                    .parse()
                    .map_err(|_| ("error: --port must be 0-65535".to_string(), false))?
            }
            "--host" => {
                config.host = value("--host")?
                    .parse::<IpAddr>()
                    .map_err(|_| ("error: --host must be an IP address".to_string(), false))?
            }
            "--chain-id" => {
                config.chain.chain_id = value("--chain-id")?
                    .parse()
                    .map_err(|_| ("error: --chain-id must be a number".to_string(), false))?
            }
            "--max-code-size" => {
                config.chain.max_code_size = value("--max-code-size")?
                    .parse()
                    .map_err(|_| ("error: --max-code-size must be a number".to_string(), false))?
            }
            other => return Err((format!("error: unknown option {other}\n\n{HELP}"), false)),
        }
    }
    Ok(config)
}

fn main() -> ExitCode {
    let started = Instant::now();
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err((text, ok)) => {
            if ok {
                println!("{text}");
                return ExitCode::SUCCESS;
            }
            eprintln!("{text}");
            return ExitCode::from(2);
        }
    };
    let chain_id = config.chain.chain_id;
    let node = match spawn(config) {
        Ok(node) => node,
        Err(e) => {
            eprintln!("error: cannot start the devnode: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "stylus-devnode {} (chain id {chain_id})",
        env!("CARGO_PKG_VERSION")
    );
    println!("Dev account: {DEV_ADDRESS} (private key {DEV_PRIVATE_KEY})");
    println!("Started in {} ms", started.elapsed().as_millis());
    println!("Listening on {}", node.url());
    node.wait();
    ExitCode::SUCCESS
}
