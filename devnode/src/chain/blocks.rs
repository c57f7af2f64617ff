//! Mined blocks, transactions and receipts as the chain keeps them.

use alloy::consensus::{Header, TxEnvelope, EMPTY_OMMER_ROOT_HASH};
use alloy_primitives::{keccak256, Address, Bloom, Bytes, Log, B256, B64, U256};

/// A mined block (the devnode mines one block per transaction, or empty blocks on demand).
#[derive(Clone, Debug)]
pub struct BlockRecord {
    pub header: Header,
    pub hash: B256,
    /// Hashes of the block's transactions, in order.
    pub transactions: Vec<B256>,
}

/// A mined transaction with its receipt.
#[derive(Clone, Debug)]
pub struct TxRecord {
    pub envelope: TxEnvelope,
    pub hash: B256,
    pub from: Address,
    pub block_number: u64,
    pub block_hash: B256,
    pub index: u64,
    pub receipt: Receipt,
}

/// Receipt fields of a mined transaction.
#[derive(Clone, Debug)]
pub struct Receipt {
    pub success: bool,
    pub gas_used: u64,
    pub cumulative_gas_used: u64,
    pub effective_gas_price: u128,
    pub contract_address: Option<Address>,
    pub logs: Vec<Log>,
    pub logs_bloom: Bloom,
    /// Index of the first log of this transaction within its block.
    pub first_log_index: u64,
}

/// Bloom filter over a set of logs.
pub fn logs_bloom<'a>(logs: impl IntoIterator<Item = &'a Log>) -> Bloom {
    let mut bloom = Bloom::ZERO;
    for log in logs {
        bloom.accrue_log(log);
    }
    bloom
}

/// Inputs of a new block header.
pub struct HeaderParts {
    pub parent_hash: B256,
    pub number: u64,
    pub timestamp: u64,
    pub gas_limit: u64,
    pub gas_used: u64,
    pub base_fee: u64,
    pub beneficiary: Address,
    pub logs_bloom: Bloom,
    pub transactions_root: B256,
    pub receipts_root: B256,
}

impl BlockRecord {
    /// Seals a block. The state root is a commitment to the block's contents rather than a
    /// Merkle-Patricia root of the state (the devnode keeps no trie).
    pub fn seal(parts: HeaderParts, transactions: Vec<B256>) -> Self {
        let state_root = keccak256(
            [
                parts.parent_hash.as_slice(),
                parts.transactions_root.as_slice(),
            ]
            .concat(),
        );
        let header = Header {
            parent_hash: parts.parent_hash,
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            beneficiary: parts.beneficiary,
            state_root,
            transactions_root: parts.transactions_root,
            receipts_root: parts.receipts_root,
            logs_bloom: parts.logs_bloom,
            difficulty: U256::from(1),
            number: parts.number,
            gas_limit: parts.gas_limit,
            gas_used: parts.gas_used,
            timestamp: parts.timestamp,
            extra_data: Bytes::new(),
            mix_hash: B256::ZERO,
            nonce: B64::ZERO,
            base_fee_per_gas: Some(parts.base_fee),
            withdrawals_root: None,
            blob_gas_used: None,
            excess_blob_gas: None,
            parent_beacon_block_root: None,
            requests_hash: None,
            block_access_list_hash: None,
            slot_number: None,
        };
        let hash = header.hash_slow();
        BlockRecord {
            header,
            hash,
            transactions,
        }
    }
}
