//! JSON-RPC method dispatch over the chain.

use alloy::eips::{BlockId, BlockNumberOrTag};
use alloy::rpc::types::{state::StateOverride, Filter, FilterBlockOption, TransactionRequest};
use alloy::sol_types::{Revert, SolError};
use alloy_primitives::{Address, Bytes, B256, U256};
use revm::context_interface::result::ExecutionResult;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::format::{self, hex_u64};
use super::RpcError;
use crate::chain::{halt_message, BlockRef, Chain, ChainError};

/// Name and version reported by `web3_clientVersion`.
pub const CLIENT_VERSION: &str = concat!("stylus-devnode/v", env!("CARGO_PKG_VERSION"));
/// Most blocks one `eth_getLogs` may scan.
const MAX_LOG_RANGE: u64 = 100_000;
/// Most blocks one `eth_feeHistory` may report.
const MAX_FEE_HISTORY: u64 = 1_024;

/// Positional parameters of a call.
pub struct Params(Vec<Value>);

impl Params {
    /// Accepts absent/null params or an array; anything else is invalid.
    pub fn new(raw: Option<Value>) -> Result<Self, RpcError> {
        match raw {
            None | Some(Value::Null) => Ok(Params(Vec::new())),
            Some(Value::Array(items)) => Ok(Params(items)),
            Some(_) => Err(RpcError::invalid_params("params must be an array")),
        }
    }

    /// Required parameter `i`.
    fn get<T: DeserializeOwned>(&self, i: usize, name: &str) -> Result<T, RpcError> {
        self.opt(i, name)?.ok_or_else(|| {
            RpcError::invalid_params(format!("missing value for required argument {i} ({name})"))
        })
    }

    /// Optional parameter `i` (absent or null gives `None`).
    fn opt<T: DeserializeOwned>(&self, i: usize, name: &str) -> Result<Option<T>, RpcError> {
        match self.0.get(i) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => serde_json::from_value(v.clone()).map(Some).map_err(|e| {
                RpcError::invalid_params(format!("invalid argument {i} ({name}): {e}"))
            }),
        }
    }
}

impl From<ChainError> for RpcError {
    fn from(error: ChainError) -> Self {
        let message = error.to_string();
        match error {
            ChainError::InvalidParams(_) => RpcError::invalid_params(message),
            ChainError::Reverted(data) => RpcError::reverted(data),
            ChainError::InsufficientFunds(_) => RpcError::new(-32003, message),
            ChainError::Internal(_) => RpcError::new(-32603, message),
            _ => RpcError::new(-32000, message),
        }
    }
}

impl RpcError {
    /// geth's revert error: code 3, "execution reverted[: reason]", data = revert bytes.
    pub fn reverted(data: Bytes) -> Self {
        let message = match Revert::abi_decode(&data) {
            Ok(revert) => format!("execution reverted: {}", revert.reason),
            Err(_) => "execution reverted".to_string(),
        };
        RpcError {
            code: 3,
            message,
            data: Some(Value::String(data.to_string())),
        }
    }
}

/// Maps a block id parameter to a chain block reference.
fn block_ref(id: Option<BlockId>) -> BlockRef {
    match id {
        None => BlockRef::Latest,
        Some(BlockId::Hash(h)) => BlockRef::Hash(h.block_hash),
        Some(BlockId::Number(n)) => number_ref(n),
    }
}

fn number_ref(n: BlockNumberOrTag) -> BlockRef {
    match n {
        BlockNumberOrTag::Number(n) => BlockRef::Number(n),
        BlockNumberOrTag::Earliest => BlockRef::Earliest,
        BlockNumberOrTag::Pending => BlockRef::Pending,
        _ => BlockRef::Latest,
    }
}

/// Parses a quantity given as a JSON number or a (hex or decimal) string.
fn quantity(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => match s.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => s.parse().ok(),
        },
        _ => None,
    }
}

/// Runs one method.
pub fn dispatch(chain: &mut Chain, method: &str, params: Params) -> Result<Value, RpcError> {
    let p = &params;
    Ok(match method {
        "web3_clientVersion" => json!(CLIENT_VERSION),
        "net_version" => json!(chain.config().chain_id.to_string()),
        "net_listening" => json!(true),
        "net_peerCount" => json!("0x0"),
        "eth_chainId" => json!(hex_u64(chain.config().chain_id)),
        "eth_blockNumber" => json!(hex_u64(chain.block_number())),
        "eth_syncing" => json!(false),
        "eth_mining" => json!(true),
        "eth_accounts" => json!(chain.accounts()),
        "eth_gasPrice" => json!(hex_u64(chain.config().base_fee)),
        "eth_maxPriorityFeePerGas" => json!("0x0"),
        "eth_blobBaseFee" => json!("0x0"),
        "eth_feeHistory" => fee_history(chain, p)?,
        "eth_getBalance" => {
            let address: Address = p.get(0, "address")?;
            chain.check_state_block(block_ref(p.opt(1, "block")?))?;
            json!(chain.balance(address))
        }
        "eth_getTransactionCount" => {
            let address: Address = p.get(0, "address")?;
            chain.check_state_block(block_ref(p.opt(1, "block")?))?;
            json!(hex_u64(chain.nonce(address)))
        }
        "eth_getCode" => {
            let address: Address = p.get(0, "address")?;
            chain.check_state_block(block_ref(p.opt(1, "block")?))?;
            json!(chain.code(address))
        }
        "eth_getStorageAt" => {
            let address: Address = p.get(0, "address")?;
            let slot: U256 = p.get(1, "slot")?;
            chain.check_state_block(block_ref(p.opt(2, "block")?))?;
            json!(B256::from(chain.storage(address, slot)))
        }
        "eth_call" => call(chain, p)?,
        "eth_estimateGas" => {
            let request: TransactionRequest = p.get(0, "transaction")?;
            chain.check_state_block(block_ref(p.opt(1, "block")?))?;
            let overrides: Option<StateOverride> = p.opt(2, "state override")?;
            json!(hex_u64(chain.estimate_gas(&request, overrides.as_ref())?))
        }
        "eth_sendRawTransaction" => {
            let raw: Bytes = p.get(0, "data")?;
            json!(chain.send_raw_transaction(&raw)?)
        }
        "eth_sendTransaction" => {
            let request: TransactionRequest = p.get(0, "transaction")?;
            json!(chain.send_transaction(request)?)
        }
        "eth_getTransactionByHash" => {
            let hash: B256 = p.get(0, "hash")?;
            match chain.transaction(hash) {
                Some(tx) => json!(format::transaction(tx, chain.config().base_fee)),
                None => Value::Null,
            }
        }
        "eth_getTransactionReceipt" => {
            let hash: B256 = p.get(0, "hash")?;
            match chain.transaction(hash) {
                Some(tx) => {
                    let timestamp = block_timestamp(chain, tx.block_number);
                    format::receipt(tx, timestamp)
                }
                None => Value::Null,
            }
        }
        "eth_getBlockByNumber" => {
            let number: BlockNumberOrTag = p.get(0, "block")?;
            let full: bool = p.opt(1, "full")?.unwrap_or(false);
            match chain.resolve_block(number_ref(number)) {
                Some(block) => format::block(chain, block, full),
                None => Value::Null,
            }
        }
        "eth_getBlockByHash" => {
            let hash: B256 = p.get(0, "hash")?;
            let full: bool = p.opt(1, "full")?.unwrap_or(false);
            match chain.block_by_hash(hash) {
                Some(block) => format::block(chain, block, full),
                None => Value::Null,
            }
        }
        "eth_getBlockTransactionCountByNumber" => {
            let number: BlockNumberOrTag = p.get(0, "block")?;
            match chain.resolve_block(number_ref(number)) {
                Some(block) => json!(hex_u64(block.transactions.len() as u64)),
                None => Value::Null,
            }
        }
        "eth_getBlockTransactionCountByHash" => {
            let hash: B256 = p.get(0, "hash")?;
            match chain.block_by_hash(hash) {
                Some(block) => json!(hex_u64(block.transactions.len() as u64)),
                None => Value::Null,
            }
        }
        "eth_getTransactionByBlockNumberAndIndex" | "eth_getTransactionByBlockHashAndIndex" => {
            let block = if method.ends_with("NumberAndIndex") {
                chain.resolve_block(number_ref(p.get(0, "block")?))
            } else {
                chain.block_by_hash(p.get(0, "hash")?)
            };
            let index =
                p.0.get(1)
                    .and_then(quantity)
                    .ok_or_else(|| RpcError::invalid_params("invalid index"))?;
            block
                .and_then(|b| b.transactions.get(usize::try_from(index).ok()?))
                .and_then(|h| chain.transaction(*h))
                .map(|tx| json!(format::transaction(tx, chain.config().base_fee)))
                .unwrap_or(Value::Null)
        }
        "eth_getLogs" => get_logs(chain, p.get(0, "filter")?)?,
        "evm_increaseTime" => {
            let seconds =
                p.0.first()
                    .and_then(quantity)
                    .ok_or_else(|| RpcError::invalid_params("expected seconds"))?;
            json!(chain.increase_time(seconds))
        }
        "evm_setNextBlockTimestamp" | "anvil_setNextBlockTimestamp" => {
            let ts =
                p.0.first()
                    .and_then(quantity)
                    .ok_or_else(|| RpcError::invalid_params("expected a timestamp"))?;
            chain.set_next_timestamp(ts)?;
            Value::Null
        }
        "evm_mine" => {
            let ts = match p.0.first() {
                None | Some(Value::Null) => None,
                Some(v) => Some(
                    quantity(v).ok_or_else(|| RpcError::invalid_params("expected a timestamp"))?,
                ),
            };
            chain.mine_empty(ts)?;
            json!("0x0")
        }
        "anvil_mine" | "hardhat_mine" => {
            let count = p.0.first().and_then(quantity).unwrap_or(1).min(10_000);
            for _ in 0..count {
                chain.mine_empty(None)?;
            }
            Value::Null
        }
        "evm_snapshot" | "anvil_snapshot" => json!(hex_u64(chain.snapshot())),
        "evm_revert" | "anvil_revert" => {
            let id =
                p.0.first()
                    .and_then(quantity)
                    .ok_or_else(|| RpcError::invalid_params("expected a snapshot id"))?;
            json!(chain.revert_to(id))
        }
        "anvil_setBalance" | "hardhat_setBalance" => {
            chain.set_balance(p.get(0, "address")?, p.get(1, "balance")?);
            json!(true)
        }
        "anvil_setCode" | "hardhat_setCode" => {
            chain.set_code(p.get(0, "address")?, p.get(1, "code")?)?;
            json!(true)
        }
        "anvil_setNonce" | "hardhat_setNonce" => {
            let nonce =
                p.0.get(1)
                    .and_then(quantity)
                    .ok_or_else(|| RpcError::invalid_params("expected a nonce"))?;
            chain.set_nonce(p.get(0, "address")?, nonce);
            json!(true)
        }
        "anvil_setStorageAt" | "hardhat_setStorageAt" => {
            let value: B256 = p.get(2, "value")?;
            chain.set_storage(p.get(0, "address")?, p.get(1, "slot")?, value.into());
            json!(true)
        }
        _ => {
            return Err(RpcError::new(
                -32601,
                format!("the method {method} does not exist/is not available"),
            ))
        }
    })
}

fn block_timestamp(chain: &Chain, number: u64) -> u64 {
    chain
        .block_by_number(number)
        .map(|b| b.header.timestamp)
        .unwrap_or_default()
}

/// `eth_call(tx, block?, overrides?)`.
fn call(chain: &mut Chain, p: &Params) -> Result<Value, RpcError> {
    let request: TransactionRequest = p.get(0, "transaction")?;
    chain.check_state_block(block_ref(p.opt(1, "block")?))?;
    let overrides: Option<StateOverride> = p.opt(2, "state override")?;
    match chain.call(&request, overrides.as_ref())? {
        ExecutionResult::Success { output, .. } => Ok(json!(output.into_data())),
        ExecutionResult::Revert { output, .. } => Err(RpcError::reverted(output)),
        ExecutionResult::Halt { reason, .. } => {
            Err(ChainError::Halted(halt_message(&reason)).into())
        }
    }
}

/// `eth_feeHistory(count, newest, percentiles?)`: constant base fee, zero tips.
fn fee_history(chain: &Chain, p: &Params) -> Result<Value, RpcError> {
    let count =
        p.0.first()
            .and_then(quantity)
            .ok_or_else(|| RpcError::invalid_params("invalid block count"))?;
    let newest: BlockNumberOrTag = p.get(1, "newest block")?;
    let percentiles: Option<Vec<f64>> = p.opt(2, "reward percentiles")?;
    let newest = chain
        .resolve_block(number_ref(newest))
        .map(|b| b.header.number)
        .ok_or_else(|| RpcError::from(ChainError::UnknownBlock))?;
    let count = count.min(newest + 1).min(MAX_FEE_HISTORY);
    let oldest = newest + 1 - count;
    let base_fee = hex_u64(chain.config().base_fee);
    let mut ratios = Vec::new();
    for n in oldest..=newest {
        let used = chain
            .block_by_number(n)
            .map(|b| b.header.gas_used)
            .unwrap_or(0);
        ratios.push(used as f64 / chain.config().block_gas_limit as f64);
    }
    let mut out = json!({
        "oldestBlock": hex_u64(oldest),
        "baseFeePerGas": vec![base_fee; count as usize + 1],
        "gasUsedRatio": ratios,
        "baseFeePerBlobGas": vec!["0x0"; count as usize + 1],
        "blobGasUsedRatio": vec![0.0; count as usize],
    });
    if let Some(percentiles) = percentiles {
        out["reward"] = json!(vec![vec!["0x0"; percentiles.len()]; count as usize]);
    }
    Ok(out)
}

/// `eth_getLogs(filter)`.
fn get_logs(chain: &Chain, filter: Filter) -> Result<Value, RpcError> {
    let latest = chain.block_number();
    let (from, to) = match filter.block_option {
        FilterBlockOption::AtBlockHash(hash) => {
            let block = chain
                .block_by_hash(hash)
                .ok_or_else(|| RpcError::from(ChainError::UnknownBlock))?;
            (block.header.number, block.header.number)
        }
        FilterBlockOption::Range {
            from_block,
            to_block,
        } => {
            let resolve = |b: Option<BlockNumberOrTag>| match b.map(number_ref) {
                None => Some(latest),
                Some(r) => chain.resolve_block(r).map(|b| b.header.number).or(match r {
                    BlockRef::Number(n) => Some(n),
                    _ => None,
                }),
            };
            let from =
                resolve(from_block).ok_or_else(|| RpcError::from(ChainError::UnknownBlock))?;
            let to = resolve(to_block).ok_or_else(|| RpcError::from(ChainError::UnknownBlock))?;
            (from, to.min(latest))
        }
    };
    if from > to {
        return Ok(json!([]));
    }
    if to - from > MAX_LOG_RANGE {
        return Err(RpcError::new(
            -32005,
            format!("query exceeds max block range {MAX_LOG_RANGE}"),
        ));
    }
    let logs: Vec<_> = chain
        .logs_in_range(from, to)
        .into_iter()
        .filter(|(tx, i)| {
            tx.receipt
                .logs
                .get(*i)
                .is_some_and(|log| filter.matches(log))
        })
        .filter_map(|(tx, i)| format::log(tx, i, block_timestamp(chain, tx.block_number)))
        .collect();
    Ok(json!(logs))
}
