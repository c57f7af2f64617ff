//! stylus-devnode: a local Arbitrum-like chain that runs Stylus WASM and EVM bytecode behind
//! Ethereum JSON-RPC.
//!
//! ```no_run
//! let node = stylus_devnode::spawn_local().expect("devnode");
//! println!("JSON-RPC at {}", node.url());
//! ```
pub mod chain;
mod node;
pub mod rpc;
pub mod wasm;

use alloy_primitives::{address, Address};

pub use chain::genesis::DEV_PRIVATE_KEY;
pub use node::{spawn, spawn_local, DevnodeHandle, NodeConfig, DEFAULT_PORT};

/// Address of [`DEV_PRIVATE_KEY`] (Nitro's dev account), funded at genesis.
pub const DEV_ADDRESS: Address = address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");
