//! The in-memory chain: state, instant mining (one block per transaction), calls, gas
//! estimation, snapshots and time control.

pub mod blocks;
mod error;
pub mod exec;
pub mod genesis;
pub mod precompiles;
pub mod rt;
pub mod stylus;

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use alloy::consensus::{
    proofs::{calculate_receipt_root, calculate_transaction_root},
    ReceiptEnvelope, ReceiptWithBloom, SignableTransaction, Transaction, TxEnvelope, TxType,
};
use alloy::eips::eip2718::Decodable2718;
use alloy::network::TxSignerSync;
use alloy::rpc::types::{state::StateOverride, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use revm::{
    context::{BlockEnv, CfgEnv, TxEnv},
    context_interface::result::ExecutionResult,
    database::{CacheDB, EmptyDB},
    state::{AccountInfo, Bytecode},
    Database, DatabaseCommit, DatabaseRef,
};

pub use blocks::{BlockRecord, Receipt, TxRecord};
pub use error::{halt_message, ChainError};
use exec::{ChainEvm, ExecSettings, ProgramCache};
use rt::StylusParams;

/// Maximum size of a raw transaction (geth's 128 KiB).
pub const MAX_TX_SIZE: usize = 128 * 1024;
/// Base fee of every block: 0.1 gwei, like Arbitrum One's minimum.
pub const DEFAULT_BASE_FEE: u64 = 100_000_000;
/// Block (and per-transaction) gas limit, like Arbitrum's 32M.
pub const DEFAULT_BLOCK_GAS_LIMIT: u64 = 32_000_000;
/// EIP-170 code size limit (Arbitrum's default `MaxCodeSize`).
pub const DEFAULT_MAX_CODE_SIZE: usize = 24_576;
/// Default chain id of the Nitro dev chain.
pub const DEFAULT_CHAIN_ID: u64 = 412_346;

/// Chain parameters.
#[derive(Clone, Debug)]
pub struct ChainConfig {
    pub chain_id: u64,
    pub base_fee: u64,
    pub block_gas_limit: u64,
    /// Block beneficiary (receives priority fees).
    pub coinbase: Address,
    /// Largest deployable code (EIP-170: 24,576; Arbitrum chains may raise it). Init code may
    /// be twice as large.
    pub max_code_size: usize,
}

impl Default for ChainConfig {
    fn default() -> Self {
        Self {
            chain_id: DEFAULT_CHAIN_ID,
            base_fee: DEFAULT_BASE_FEE,
            block_gas_limit: DEFAULT_BLOCK_GAS_LIMIT,
            coinbase: Address::ZERO,
            max_code_size: DEFAULT_MAX_CODE_SIZE,
        }
    }
}

/// Time control: offset from the wall clock and an optional forced next timestamp.
#[derive(Clone, Debug, Default)]
struct Clock {
    offset: i64,
    next: Option<u64>,
}

/// Everything a snapshot must restore.
#[derive(Clone)]
struct ChainState {
    db: CacheDB<EmptyDB>,
    blocks: Vec<BlockRecord>,
    block_index: HashMap<B256, u64>,
    txs: HashMap<B256, TxRecord>,
    clock: Clock,
}

/// Which block a state query refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockRef {
    Latest,
    Pending,
    Earliest,
    Number(u64),
    Hash(B256),
}

/// The chain.
pub struct Chain {
    config: ChainConfig,
    params: StylusParams,
    state: ChainState,
    programs: ProgramCache,
    snapshots: Vec<(u64, ChainState)>,
    next_snapshot: u64,
    signers: Vec<PrivateKeySigner>,
}

fn wall_clock() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Chain {
    /// A fresh chain with the genesis block mined.
    pub fn new(config: ChainConfig) -> Self {
        let signers = genesis::dev_signers();
        let db = genesis::genesis_db(&signers);
        let mut chain = Chain {
            config,
            params: StylusParams::default(),
            state: ChainState {
                db,
                blocks: Vec::new(),
                block_index: HashMap::new(),
                txs: HashMap::new(),
                clock: Clock::default(),
            },
            programs: ProgramCache::new(),
            snapshots: Vec::new(),
            next_snapshot: 1,
            signers,
        };
        chain.mine_block(Vec::new(), 0, Default::default());
        chain
    }

    /// Chain parameters.
    pub fn config(&self) -> &ChainConfig {
        &self.config
    }

    /// Stylus parameters.
    pub fn stylus_params(&self) -> &StylusParams {
        &self.params
    }

    /// Unlocked accounts (dev account first).
    pub fn accounts(&self) -> Vec<Address> {
        self.signers.iter().map(|s| s.address()).collect()
    }

    /// The latest block.
    pub fn latest(&self) -> &BlockRecord {
        // The genesis block is mined in `new`, so the list is never empty.
        &self.state.blocks[self.state.blocks.len() - 1]
    }

    /// Number of the latest block.
    pub fn block_number(&self) -> u64 {
        self.latest().header.number
    }

    /// Block by number.
    pub fn block_by_number(&self, number: u64) -> Option<&BlockRecord> {
        self.state.blocks.get(usize::try_from(number).ok()?)
    }

    /// Block by hash.
    pub fn block_by_hash(&self, hash: B256) -> Option<&BlockRecord> {
        self.block_by_number(*self.state.block_index.get(&hash)?)
    }

    /// Resolves a block reference to a mined block.
    pub fn resolve_block(&self, block: BlockRef) -> Option<&BlockRecord> {
        match block {
            BlockRef::Latest | BlockRef::Pending => Some(self.latest()),
            BlockRef::Earliest => self.block_by_number(0),
            BlockRef::Number(n) => self.block_by_number(n),
            BlockRef::Hash(h) => self.block_by_hash(h),
        }
    }

    /// Checks that a state query targets the latest state (the only one kept).
    pub fn check_state_block(&self, block: BlockRef) -> Result<(), ChainError> {
        let latest = self.block_number();
        match self.resolve_block(block) {
            Some(b) if b.header.number == latest => Ok(()),
            Some(b) => Err(ChainError::HistoricalState(b.header.number)),
            None => Err(ChainError::UnknownBlock),
        }
    }

    /// A mined transaction.
    pub fn transaction(&self, hash: B256) -> Option<&TxRecord> {
        self.state.txs.get(&hash)
    }

    fn account(&self, address: Address) -> Option<AccountInfo> {
        self.state.db.basic_ref(address).ok().flatten()
    }

    /// Balance of `address`.
    pub fn balance(&self, address: Address) -> U256 {
        self.account(address).map(|a| a.balance).unwrap_or_default()
    }

    /// Nonce of `address`.
    pub fn nonce(&self, address: Address) -> u64 {
        self.account(address).map(|a| a.nonce).unwrap_or_default()
    }

    /// Code of `address`.
    pub fn code(&self, address: Address) -> Bytes {
        let Some(info) = self.account(address) else {
            return Bytes::new();
        };
        match info.code {
            Some(code) => code.original_bytes(),
            None => self
                .state
                .db
                .code_by_hash_ref(info.code_hash)
                .map(|c| c.original_bytes())
                .unwrap_or_default(),
        }
    }

    /// Storage slot of `address`.
    pub fn storage(&self, address: Address, slot: U256) -> U256 {
        self.state.db.storage_ref(address, slot).unwrap_or_default()
    }

    /// Logs of mined transactions in blocks `from..=to`, with their transaction records.
    pub fn logs_in_range(&self, from: u64, to: u64) -> Vec<(&TxRecord, usize)> {
        let mut out = Vec::new();
        let last = to.min(self.block_number());
        for number in from..=last {
            let Some(block) = self.block_by_number(number) else {
                continue;
            };
            for hash in &block.transactions {
                if let Some(tx) = self.state.txs.get(hash) {
                    out.extend((0..tx.receipt.logs.len()).map(|i| (tx, i)));
                }
            }
        }
        out
    }

    // ----- time -----

    /// Timestamp the next block will get (non-decreasing).
    fn next_timestamp(&self) -> u64 {
        let parent = self
            .state
            .blocks
            .last()
            .map(|b| b.header.timestamp)
            .unwrap_or(0);
        let clock = &self.state.clock;
        let now = wall_clock().saturating_add_signed(clock.offset);
        clock.next.unwrap_or(now).max(parent)
    }

    /// Moves the clock forward by `seconds`; returns the total offset.
    pub fn increase_time(&mut self, seconds: u64) -> i64 {
        let clock = &mut self.state.clock;
        clock.offset = clock
            .offset
            .saturating_add(i64::try_from(seconds).unwrap_or(i64::MAX));
        clock.offset
    }

    /// Forces the next block's timestamp (must not go below the latest block's).
    pub fn set_next_timestamp(&mut self, timestamp: u64) -> Result<(), ChainError> {
        let parent = self.latest().header.timestamp;
        if timestamp < parent {
            return Err(ChainError::InvalidParams(format!(
                "timestamp {timestamp} is lower than the previous block's timestamp {parent}"
            )));
        }
        let clock = &mut self.state.clock;
        clock.next = Some(timestamp);
        let delta = i128::from(timestamp) - i128::from(wall_clock());
        clock.offset = i64::try_from(delta).unwrap_or(0);
        Ok(())
    }

    /// Mines an empty block (optionally at `timestamp`); returns its number.
    pub fn mine_empty(&mut self, timestamp: Option<u64>) -> Result<u64, ChainError> {
        if let Some(ts) = timestamp {
            self.set_next_timestamp(ts)?;
        }
        self.mine_block(Vec::new(), 0, Default::default());
        Ok(self.block_number())
    }

    // ----- snapshots and dev state edits -----

    /// Saves the whole chain state; returns the snapshot id.
    pub fn snapshot(&mut self) -> u64 {
        let id = self.next_snapshot;
        self.next_snapshot += 1;
        self.snapshots.push((id, self.state.clone()));
        id
    }

    /// Restores snapshot `id` (dropping it and every later one); false if unknown.
    pub fn revert_to(&mut self, id: u64) -> bool {
        let Some(pos) = self.snapshots.iter().position(|(sid, _)| *sid == id) else {
            return false;
        };
        let (_, state) = self.snapshots.swap_remove(pos);
        self.snapshots.truncate(pos);
        self.state = state;
        true
    }

    /// Sets an account balance.
    pub fn set_balance(&mut self, address: Address, balance: U256) {
        let mut info = self.account(address).unwrap_or_default();
        info.balance = balance;
        self.state.db.insert_account_info(address, info);
    }

    /// Sets an account nonce.
    pub fn set_nonce(&mut self, address: Address, nonce: u64) {
        let mut info = self.account(address).unwrap_or_default();
        info.nonce = nonce;
        self.state.db.insert_account_info(address, info);
    }

    /// Sets an account's code.
    pub fn set_code(&mut self, address: Address, code: Bytes) -> Result<(), ChainError> {
        let bytecode = Bytecode::new_raw_checked(code)
            .map_err(|e| ChainError::InvalidParams(format!("invalid code: {e:?}")))?;
        let mut info = self.account(address).unwrap_or_default();
        info.code_hash = bytecode.hash_slow();
        info.code = Some(bytecode);
        self.state.db.insert_account_info(address, info);
        Ok(())
    }

    /// Sets a storage slot.
    pub fn set_storage(&mut self, address: Address, slot: U256, value: U256) {
        let _ = self.state.db.insert_account_storage(address, slot, value);
    }

    // ----- transactions -----

    /// Decodes, validates and executes a signed raw transaction; mines it into a new block.
    pub fn send_raw_transaction(&mut self, raw: &[u8]) -> Result<B256, ChainError> {
        if raw.len() > MAX_TX_SIZE {
            return Err(ChainError::TxTooLarge(raw.len()));
        }
        let mut buf = raw;
        let envelope = TxEnvelope::decode_2718(&mut buf)
            .map_err(|e| ChainError::InvalidTx(format!("rlp: {e}")))?;
        if !buf.is_empty() {
            return Err(ChainError::InvalidTx("rlp: trailing bytes".into()));
        }
        self.submit(envelope)
    }

    /// Signs `request` with the unlocked account in `from` and submits it.
    pub fn send_transaction(&mut self, request: TransactionRequest) -> Result<B256, ChainError> {
        let from = request
            .from
            .ok_or(ChainError::InvalidParams("missing from".into()))?;
        let signer = self
            .signers
            .iter()
            .find(|s| s.address() == from)
            .cloned()
            .ok_or(ChainError::UnknownAccount(from))?;
        let mut request = request;
        request.nonce = Some(request.nonce.unwrap_or_else(|| self.nonce(from)));
        request.chain_id = Some(self.config.chain_id);
        // No `to` means contract creation (wallets omit it); alloy's builder needs it explicit.
        request.to.get_or_insert(TxKind::Create);
        if request.gas.is_none() {
            request.gas = Some(self.estimate_gas(&request, None)?);
        }
        let legacy = request.gas_price.is_some() && request.max_fee_per_gas.is_none();
        if !legacy {
            request
                .max_fee_per_gas
                .get_or_insert(u128::from(self.config.base_fee) * 2);
            request.max_priority_fee_per_gas.get_or_insert(0);
        }
        let envelope = sign_request(request, &signer)?;
        self.submit(envelope)
    }

    /// Validates and executes a decoded transaction and mines it.
    fn submit(&mut self, envelope: TxEnvelope) -> Result<B256, ChainError> {
        use alloy::consensus::transaction::SignerRecoverable;
        if matches!(envelope, TxEnvelope::Eip4844(_)) {
            return Err(ChainError::InvalidTx(
                "blob transactions are not supported".into(),
            ));
        }
        let hash = *envelope.tx_hash();
        if self.state.txs.contains_key(&hash) {
            return Err(ChainError::AlreadyKnown);
        }
        let from = envelope
            .recover_signer()
            .map_err(|_| ChainError::InvalidSignature)?;
        if let Some(id) = envelope.chain_id() {
            if id != self.config.chain_id {
                return Err(ChainError::WrongChainId {
                    got: id,
                    want: self.config.chain_id,
                });
            }
        }
        let tx_env = tx_env_from_envelope(&envelope, from);
        let block = self.pending_block_env();
        let cfg = self.cfg_env(false);
        let settings = ExecSettings {
            params: &self.params,
            programs: &mut self.programs,
        };
        let evm = ChainEvm::new(&mut self.state.db, block, cfg, tx_env, settings);
        let (result, changes) = evm.transact().map_err(ChainError::from_evm)?;
        self.state.db.commit(changes);
        let nonce = envelope.nonce();
        let contract_address = envelope.kind().is_create().then(|| from.create(nonce));
        let base_fee = self.config.base_fee;
        let receipt = Receipt {
            success: result.is_success(),
            gas_used: result.tx_gas_used(),
            cumulative_gas_used: result.tx_gas_used(),
            effective_gas_price: envelope.effective_gas_price(Some(base_fee)),
            contract_address,
            logs_bloom: blocks::logs_bloom(result.logs()),
            logs: result.into_logs(),
            first_log_index: 0,
        };
        let gas_used = receipt.gas_used;
        let bloom = receipt.logs_bloom;
        let record = TxRecord {
            envelope,
            hash,
            from,
            block_number: 0,
            block_hash: B256::ZERO,
            index: 0,
            receipt,
        };
        self.mine_block(vec![record], gas_used, bloom);
        Ok(hash)
    }

    /// Seals a block with `txs`, records it and its transactions.
    fn mine_block(
        &mut self,
        txs: Vec<TxRecord>,
        gas_used: u64,
        logs_bloom: alloy_primitives::Bloom,
    ) {
        let timestamp = self.next_timestamp();
        let parent_hash = self.state.blocks.last().map(|b| b.hash).unwrap_or_default();
        let number = self.state.blocks.len() as u64;
        let envelopes: Vec<&TxEnvelope> = txs.iter().map(|t| &t.envelope).collect();
        let receipts: Vec<ReceiptEnvelope> = txs.iter().map(receipt_envelope).collect();
        let block = BlockRecord::seal(
            blocks::HeaderParts {
                parent_hash,
                number,
                timestamp,
                gas_limit: self.config.block_gas_limit,
                gas_used,
                base_fee: self.config.base_fee,
                beneficiary: self.config.coinbase,
                logs_bloom,
                transactions_root: calculate_transaction_root(&envelopes),
                receipts_root: calculate_receipt_root(&receipts),
            },
            txs.iter().map(|t| t.hash).collect(),
        );
        for (i, mut tx) in txs.into_iter().enumerate() {
            tx.block_number = number;
            tx.block_hash = block.hash;
            tx.index = i as u64;
            self.state.txs.insert(tx.hash, tx);
        }
        self.state.clock.next = None;
        self.state
            .db
            .cache
            .block_hashes
            .insert(U256::from(number), block.hash);
        self.state.block_index.insert(block.hash, number);
        self.state.blocks.push(block);
    }

    // ----- calls and estimation -----

    /// Executes `request` against the latest state (plus `overrides`) without committing.
    pub fn call(
        &mut self,
        request: &TransactionRequest,
        overrides: Option<&StateOverride>,
    ) -> Result<ExecutionResult, ChainError> {
        let gas = request.gas.unwrap_or(self.config.block_gas_limit);
        self.simulate(request, overrides, gas)
    }

    /// Runs a simulation with an explicit gas limit.
    fn simulate(
        &mut self,
        request: &TransactionRequest,
        overrides: Option<&StateOverride>,
        gas: u64,
    ) -> Result<ExecutionResult, ChainError> {
        let (tx_env, free) = self.call_tx_env(request, gas);
        let block = self.pending_block_env();
        let mut cfg = self.cfg_env(true);
        cfg.disable_base_fee = free;
        let mut overlay = CacheDB::new(&self.state.db);
        if let Some(overrides) = overrides {
            apply_overrides(&mut overlay, overrides)?;
        }
        let settings = ExecSettings {
            params: &self.params,
            programs: &mut self.programs,
        };
        let evm = ChainEvm::new(overlay, block, cfg, tx_env, settings);
        let (result, _) = evm.transact().map_err(ChainError::from_evm)?;
        Ok(result)
    }

    /// Smallest gas limit (within 1.5%) with which `request` succeeds.
    pub fn estimate_gas(
        &mut self,
        request: &TransactionRequest,
        overrides: Option<&StateOverride>,
    ) -> Result<u64, ChainError> {
        let cap = request
            .gas
            .unwrap_or(self.config.block_gas_limit)
            .min(self.config.block_gas_limit);
        let first = self.simulate(request, overrides, cap)?;
        match &first {
            ExecutionResult::Success { .. } => {}
            ExecutionResult::Revert { output, .. } => {
                return Err(ChainError::Reverted(output.clone()))
            }
            ExecutionResult::Halt { reason, .. } => {
                return Err(ChainError::Halted(halt_message(reason)));
            }
        }
        let spent = first.gas().total_gas_spent();
        let succeeds = |chain: &mut Self, gas: u64| -> Result<bool, ChainError> {
            Ok(chain.simulate(request, overrides, gas)?.is_success())
        };
        let mut lo = spent.saturating_sub(1);
        let mut hi = cap;
        // Most transactions succeed with their spend plus the 63/64 reserve: try that first.
        let optimistic = (spent + 2_300) * 64 / 63;
        if optimistic < hi && succeeds(self, optimistic)? {
            hi = optimistic;
        }
        while hi - lo > 1 && (hi - lo) * 1000 > hi * 15 {
            let mid = lo + (hi - lo) / 2;
            if succeeds(self, mid)? {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Ok(hi)
    }

    // ----- environments -----

    fn pending_block_env(&self) -> BlockEnv {
        BlockEnv {
            number: U256::from(self.block_number() + 1),
            beneficiary: self.config.coinbase,
            timestamp: U256::from(self.next_timestamp()),
            gas_limit: self.config.block_gas_limit,
            basefee: self.config.base_fee,
            ..Default::default()
        }
    }

    fn cfg_env(&self, simulation: bool) -> CfgEnv {
        let mut cfg = CfgEnv::new_with_spec(exec::SPEC);
        cfg.chain_id = self.config.chain_id;
        cfg.tx_chain_id_check = true;
        cfg.disable_eip3541 = true;
        cfg.limit_contract_code_size = Some(self.config.max_code_size);
        cfg.disable_nonce_check = simulation;
        cfg.disable_eip3607 = simulation;
        cfg
    }

    /// TxEnv of a call request; the flag says the call pays no fees (no base-fee check).
    fn call_tx_env(&self, request: &TransactionRequest, gas: u64) -> (TxEnv, bool) {
        let dynamic = request.max_fee_per_gas.is_some();
        let price = request.max_fee_per_gas.or(request.gas_price).unwrap_or(0);
        let tx = TxEnv {
            tx_type: if dynamic { 2 } else { 0 },
            caller: request.from.unwrap_or_default(),
            gas_limit: gas,
            gas_price: price,
            kind: request.to.unwrap_or(TxKind::Create),
            value: request.value.unwrap_or_default(),
            data: request.input.input().cloned().unwrap_or_default(),
            nonce: request.nonce.unwrap_or(0),
            chain_id: Some(self.config.chain_id),
            access_list: request.access_list.clone().unwrap_or_default(),
            gas_priority_fee: dynamic.then(|| request.max_priority_fee_per_gas.unwrap_or(0)),
            ..Default::default()
        };
        (tx, price == 0)
    }
}

/// TxEnv of a signed transaction.
fn tx_env_from_envelope(envelope: &TxEnvelope, from: Address) -> TxEnv {
    let ty = envelope.tx_type();
    let dynamic = matches!(ty, TxType::Eip1559 | TxType::Eip7702);
    TxEnv {
        tx_type: ty as u8,
        caller: from,
        gas_limit: envelope.gas_limit(),
        gas_price: if dynamic {
            envelope.max_fee_per_gas()
        } else {
            envelope.gas_price().unwrap_or_default()
        },
        kind: envelope.kind(),
        value: envelope.value(),
        data: envelope.input().clone(),
        nonce: envelope.nonce(),
        chain_id: envelope.chain_id(),
        access_list: envelope.access_list().cloned().unwrap_or_default(),
        gas_priority_fee: if dynamic {
            envelope.max_priority_fee_per_gas()
        } else {
            None
        },
        authorization_list: envelope
            .authorization_list()
            .map(|list| {
                list.iter()
                    .cloned()
                    .map(revm::context::either::Either::Left)
                    .collect()
            })
            .unwrap_or_default(),
        ..Default::default()
    }
}

/// Consensus receipt of a mined transaction (for the receipts root).
fn receipt_envelope(tx: &TxRecord) -> ReceiptEnvelope {
    let receipt = alloy::consensus::Receipt {
        status: tx.receipt.success.into(),
        cumulative_gas_used: tx.receipt.cumulative_gas_used,
        logs: tx.receipt.logs.clone(),
    };
    let with_bloom = ReceiptWithBloom::new(receipt, tx.receipt.logs_bloom);
    ReceiptEnvelope::from_typed(tx.envelope.tx_type(), with_bloom)
}

/// Signs a filled request with `signer`.
fn sign_request(
    request: TransactionRequest,
    signer: &PrivateKeySigner,
) -> Result<TxEnvelope, ChainError> {
    let typed = request
        .build_typed_tx()
        .map_err(|_| ChainError::InvalidParams("incomplete transaction request".into()))?;
    let sign_err = |e: alloy::signers::Error| ChainError::InvalidParams(format!("signing: {e}"));
    Ok(match typed {
        alloy::consensus::TypedTransaction::Legacy(mut tx) => {
            let sig = signer.sign_transaction_sync(&mut tx).map_err(sign_err)?;
            tx.into_signed(sig).into()
        }
        alloy::consensus::TypedTransaction::Eip2930(mut tx) => {
            let sig = signer.sign_transaction_sync(&mut tx).map_err(sign_err)?;
            tx.into_signed(sig).into()
        }
        alloy::consensus::TypedTransaction::Eip1559(mut tx) => {
            let sig = signer.sign_transaction_sync(&mut tx).map_err(sign_err)?;
            tx.into_signed(sig).into()
        }
        _ => {
            return Err(ChainError::InvalidParams(
                "unsupported transaction type".into(),
            ))
        }
    })
}

/// Applies an `eth_call` state override to the overlay database.
fn apply_overrides<DB: DatabaseRef>(
    db: &mut CacheDB<DB>,
    overrides: &StateOverride,
) -> Result<(), ChainError> {
    for (address, account) in overrides.iter() {
        let mut info = db.basic(*address).ok().flatten().unwrap_or_default();
        if let Some(balance) = account.balance {
            info.balance = balance;
        }
        if let Some(nonce) = account.nonce {
            info.nonce = nonce;
        }
        if let Some(code) = &account.code {
            let bytecode = Bytecode::new_raw_checked(code.clone())
                .map_err(|e| ChainError::InvalidParams(format!("invalid override code: {e:?}")))?;
            info.code_hash = bytecode.hash_slow();
            info.code = Some(bytecode);
        }
        db.insert_account_info(*address, info);
        if let Some(state) = &account.state {
            let slots = state
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect();
            db.replace_account_storage(*address, slots)
                .map_err(|_| ChainError::InvalidParams("state override failed".into()))?;
        }
        if let Some(diff) = &account.state_diff {
            for (k, v) in diff {
                db.insert_account_storage(*address, (*k).into(), (*v).into())
                    .map_err(|_| ChainError::InvalidParams("state override failed".into()))?;
            }
        }
    }
    Ok(())
}
