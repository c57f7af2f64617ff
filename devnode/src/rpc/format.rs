//! JSON views of blocks, transactions, receipts and logs (Ethereum JSON-RPC shapes).

use alloy::consensus::transaction::{Recovered, TransactionInfo};
use alloy::consensus::{Sealed, Transaction as _};
use alloy::eips::eip2718::Encodable2718;
use alloy::rlp::Encodable;
use alloy::rpc::types::{Block, BlockTransactions, Header, Log, Transaction};
use alloy_primitives::U256;
use serde_json::{json, Value};

use crate::chain::{BlockRecord, Chain, TxRecord};

/// `eth_getTransactionByHash` view.
pub fn transaction(tx: &TxRecord, base_fee: u64) -> Transaction {
    let info = TransactionInfo {
        hash: Some(tx.hash),
        index: Some(tx.index),
        block_hash: Some(tx.block_hash),
        block_number: Some(tx.block_number),
        base_fee: Some(base_fee),
        block_timestamp: None,
    };
    Transaction::from_transaction(Recovered::new_unchecked(tx.envelope.clone(), tx.from), info)
}

/// The `i`-th log of a mined transaction, with its position.
pub fn log(tx: &TxRecord, i: usize, timestamp: u64) -> Option<Log> {
    Some(Log {
        inner: tx.receipt.logs.get(i)?.clone(),
        block_hash: Some(tx.block_hash),
        block_number: Some(tx.block_number),
        block_timestamp: Some(timestamp),
        transaction_hash: Some(tx.hash),
        transaction_index: Some(tx.index),
        log_index: Some(tx.receipt.first_log_index + i as u64),
        removed: false,
    })
}

/// `eth_getTransactionReceipt` view.
pub fn receipt(tx: &TxRecord, timestamp: u64) -> Value {
    let r = &tx.receipt;
    let logs: Vec<Log> = (0..r.logs.len())
        .filter_map(|i| log(tx, i, timestamp))
        .collect();
    json!({
        "transactionHash": tx.hash,
        "transactionIndex": hex_u64(tx.index),
        "blockHash": tx.block_hash,
        "blockNumber": hex_u64(tx.block_number),
        "from": tx.from,
        "to": tx.envelope.to(),
        "cumulativeGasUsed": hex_u64(r.cumulative_gas_used),
        "gasUsed": hex_u64(r.gas_used),
        "effectiveGasPrice": format!("{:#x}", r.effective_gas_price),
        "contractAddress": r.contract_address,
        "logs": logs,
        "logsBloom": r.logs_bloom,
        "type": hex_u64(tx.envelope.tx_type() as u64),
        "status": if r.success { "0x1" } else { "0x0" },
    })
}

/// `eth_getBlockBy*` view, with full transactions or hashes.
pub fn block(chain: &Chain, block: &BlockRecord, full: bool) -> Value {
    let base_fee = block.header.base_fee_per_gas.unwrap_or_default();
    let transactions = if full {
        BlockTransactions::Full(
            block
                .transactions
                .iter()
                .filter_map(|h| chain.transaction(*h))
                .map(|tx| transaction(tx, base_fee))
                .collect(),
        )
    } else {
        BlockTransactions::Hashes(block.transactions.clone())
    };
    let mut header = Header::from_sealed(Sealed::new_unchecked(block.header.clone(), block.hash));
    header.total_difficulty = Some(U256::from(block.header.number + 1));
    header.size = Some(U256::from(block_size(chain, block)));
    let view: Block<Transaction> = Block::new(header, transactions);
    serde_json::to_value(view).unwrap_or(Value::Null)
}

/// RLP size of the block: header, transaction list and empty uncle list.
fn block_size(chain: &Chain, block: &BlockRecord) -> usize {
    let txs: usize = block
        .transactions
        .iter()
        .filter_map(|h| chain.transaction(*h))
        .map(|tx| tx.envelope.encode_2718_len())
        .sum();
    let payload = block.header.length() + list_header_len(txs) + txs + 1;
    list_header_len(payload) + payload
}

fn list_header_len(len: usize) -> usize {
    alloy::rlp::Header {
        list: true,
        payload_length: len,
    }
    .length()
}

/// `0x`-prefixed hex quantity.
pub fn hex_u64(value: u64) -> String {
    format!("{value:#x}")
}
