//! Integration-test harness: a devnode (in-process, or `RPC_URL` for a real Nitro node), the zAMM
//! Stylus program deployed like cargo-stylus does, funded accounts, Solidity fixtures, and helpers
//! for transactions, decoded events, decoded custom errors and balances.
//!
//! By default every test spawns its own in-process devnode. With `RPC_URL` (and `PRIVATE_KEY` or
//! `PRIVATE_KEY_PATH` for a funded deployer) the same tests run against that node instead, one at
//! a time per test binary; tests that move time need `evm_setNextBlockTimestamp`/`evm_mine`.
//! `ZAMM_WASM` points at a prebuilt WASM; otherwise `scripts/build-wasm.sh` builds it once.
#![allow(dead_code)] // each test binary uses a different subset
#![allow(clippy::too_many_arguments)] // sol!-generated bindings mirror the Solidity signatures

pub mod deploy;
pub mod gas;

use std::fmt::Debug;
use std::sync::{Mutex, MutexGuard, OnceLock};

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{keccak256, Address, Bytes, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol;
use alloy::sol_types::{SolCall, SolError, SolEvent, SolValue};

pub use deploy::Deployment;

// The zAMM reference ABI (functions, events incl. the assembly-emitted ERC-6909 ones, errors):
// testing the port against it proves drop-in compatibility.
sol!(
    #[sol(rpc)]
    #[derive(Debug, PartialEq)]
    ZAMM,
    "abi/reference/zamm-abi.json"
);

sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    MockERC20,
    "tests/fixtures/out/MockERC20.json"
);
sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    NoReturnERC20,
    "tests/fixtures/out/NoReturnERC20.json"
);
sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    FalseReturnERC20,
    "tests/fixtures/out/FalseReturnERC20.json"
);
sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    MockERC6909,
    "tests/fixtures/out/MockERC6909.json"
);
sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    MockERC721,
    "tests/fixtures/out/MockERC721.json"
);
sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    ImbalanceFeeHook,
    "tests/fixtures/out/ImbalanceFeeHook.json"
);
sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    KycHook,
    "tests/fixtures/out/KycHook.json"
);
sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    ReentrantHook,
    "tests/fixtures/out/ReentrantHook.json"
);
sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    RecordingHook,
    "tests/fixtures/out/RecordingHook.json"
);
sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    FlashBorrower,
    "tests/fixtures/out/FlashBorrower.json"
);
sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    ReentrantRemover,
    "tests/fixtures/out/ReentrantRemover.json"
);
sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    Router,
    "tests/fixtures/out/Router.json"
);
sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    Batcher,
    "tests/fixtures/out/Batcher.json"
);

pub use ZAMM::PoolKey;

pub const E18: u128 = 1_000_000_000_000_000_000;
/// Deadline used when the test is not about deadlines (the reference setup uses 2^40).
pub const DEADLINE: u64 = 1 << 40;
pub const FLAG_BEFORE: U256 = U256::from_limbs([0, 0, 0, 1 << 63]);
pub const FLAG_AFTER: U256 = U256::from_limbs([0, 0, 0, 1 << 62]);
const PANIC_SELECTOR: [u8; 4] = [0x4e, 0x48, 0x7b, 0x71];

pub fn e18(n: u128) -> U256 {
    U256::from(n * E18)
}

pub fn u(n: u128) -> U256 {
    U256::from(n)
}

/// Prefixed (EF F0 00 00 + brotli) program code, built and compressed once per test process.
pub fn program_code() -> &'static [u8] {
    static CODE: OnceLock<Vec<u8>> = OnceLock::new();
    CODE.get_or_init(|| {
        let path = deploy::build_wasm().unwrap_or_else(|e| panic!("{e}"));
        let wasm = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        deploy::prefixed_code(&wasm)
    })
}

/// A revert: the raw revert data from the JSON-RPC error (empty for an empty revert).
#[derive(Clone, PartialEq)]
pub struct Revert(pub Bytes);

impl Debug for Revert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Revert(0x{})", alloy::hex::encode(&self.0))
    }
}

impl Revert {
    pub fn selector(&self) -> Option<[u8; 4]> {
        self.0.get(..4).map(|s| s.try_into().expect("4 bytes"))
    }
    pub fn is<E: SolError>(&self) -> bool {
        self.selector() == Some(E::SELECTOR)
    }
    /// The Panic(uint256) code, if this is a Solidity-style panic.
    pub fn panic_code(&self) -> Option<U256> {
        (self.selector() == Some(PANIC_SELECTOR) && self.0.len() == 36)
            .then(|| U256::from_be_slice(&self.0[4..36]))
    }
}

/// Asserts that `r` reverted with custom error `E` (selector match; data after it is ignored).
#[track_caller]
pub fn assert_err<E: SolError, T: Debug>(r: Result<T, Revert>) {
    match r {
        Err(rev) => assert!(
            rev.is::<E>(),
            "expected {} (0x{}), got {rev:?}",
            E::SIGNATURE,
            alloy::hex::encode(E::SELECTOR)
        ),
        Ok(v) => panic!("expected revert {}, got success {v:?}", E::SIGNATURE),
    }
}

/// Asserts a `Panic(code)` revert.
#[track_caller]
pub fn assert_panic<T: Debug>(r: Result<T, Revert>, code: u64) {
    match r {
        Err(rev) => assert_eq!(
            rev.panic_code(),
            Some(U256::from(code)),
            "expected Panic(0x{code:x}), got {rev:?}"
        ),
        Ok(v) => panic!("expected Panic(0x{code:x}), got success {v:?}"),
    }
}

/// Asserts a revert with empty data.
#[track_caller]
pub fn assert_empty_revert<T: Debug>(r: Result<T, Revert>) {
    match r {
        Err(rev) => assert!(rev.0.is_empty(), "expected empty revert, got {rev:?}"),
        Ok(v) => panic!("expected empty revert, got success {v:?}"),
    }
}

/// Maps a transport error to its revert data; panics on anything that is not a revert.
fn revert_of(e: alloy::transports::TransportError, what: &str) -> Revert {
    match e.as_error_resp().and_then(|p| p.as_revert_data()) {
        Some(data) => Revert(data),
        None => panic!("{what}: RPC error that is not a revert: {e}"),
    }
}

/// `uint256(keccak256(abi.encode(key)))`: the pool id and LP token id.
pub fn pool_id(key: &PoolKey) -> U256 {
    U256::from_be_bytes(keccak256(key.abi_encode()).0)
}

/// A pool key with the two tokens in canonical (ascending) order; ids 0.
pub fn sorted_key(a: Address, b: Address, fee_or_hook: U256) -> PoolKey {
    let (token0, token1) = if a < b { (a, b) } else { (b, a) };
    PoolKey {
        id0: U256::ZERO,
        id1: U256::ZERO,
        token0,
        token1,
        feeOrHook: fee_or_hook,
    }
}

/// An ETH (token0 = 0) / `token` pool key.
pub fn eth_key(token: Address, fee_or_hook: U256) -> PoolKey {
    PoolKey {
        id0: U256::ZERO,
        id1: U256::ZERO,
        token0: Address::ZERO,
        token1: token,
        feeOrHook: fee_or_hook,
    }
}

/// Decodes every `E` log emitted by `emitter` in `receipt`, in order.
pub fn events<E: SolEvent>(receipt: &TransactionReceipt, emitter: Address) -> Vec<E> {
    receipt
        .inner
        .logs()
        .iter()
        .filter(|l| l.address() == emitter && l.topics().first() == Some(&E::SIGNATURE_HASH))
        .map(|l| E::decode_log_data(l.data()).expect("decodable event"))
        .collect()
}

/// Topic0s of the logs emitted by `emitter`, in order (for event-order checks).
pub fn topics0(receipt: &TransactionReceipt, emitter: Address) -> Vec<B256> {
    receipt
        .inner
        .logs()
        .iter()
        .filter(|l| l.address() == emitter)
        .filter_map(|l| l.topics().first().copied())
        .collect()
}

/// `getAmountOut` of the reference (checked u256 math is not needed for test-sized values).
pub fn amount_out(amount_in: U256, r_in: U256, r_out: U256, fee: U256) -> U256 {
    let with_fee = amount_in * (u(10000) - fee);
    with_fee * r_out / (r_in * u(10000) + with_fee)
}

/// `getAmountIn` of the reference (always +1).
pub fn amount_in(amount_out: U256, r_in: U256, r_out: U256, fee: U256) -> U256 {
    r_in * amount_out * u(10000) / ((r_out - amount_out) * (u(10000) - fee)) + u(1)
}

/// Floor integer square root.
pub fn isqrt(x: U256) -> U256 {
    x.root(2)
}

/// UQ112x112 `encode(a) / b` as in the TWAP accumulator.
pub fn uq_price(num: U256, den: U256) -> U256 {
    (num << 112) / den
}

/// A chain without zAMM: its own devnode (or the `RPC_URL` node) and a provider whose wallet holds
/// the deployer key and three user keys.
pub struct Chain {
    pub node: Option<stylus_devnode::DevnodeHandle>,
    shared: Option<MutexGuard<'static, ()>>,
    pub p: DynProvider,
    pub url: String,
    pub deployer: Address,
    pub users: [Address; 3],
}

impl Chain {
    pub async fn connect() -> Chain {
        let (node, url, key, shared) = match std::env::var("RPC_URL") {
            // One shared node: tests in this process take turns so the deployer's and the users'
            // nonces never race.
            Ok(url) => (None, url, remote_key(), Some(lock_shared_node())),
            Err(_) => {
                let node = stylus_devnode::spawn_local().expect("spawn devnode");
                let url = node.url();
                let key = stylus_devnode::DEV_PRIVATE_KEY.to_string();
                (Some(node), url, key, None)
            }
        };
        let deployer_signer: PrivateKeySigner = key.trim().parse().expect("valid private key");
        let deployer = deployer_signer.address();
        // Fixed keys keep addresses, hence calldata and gas figures, reproducible.
        let users: [PrivateKeySigner; 3] = std::array::from_fn(|i| {
            PrivateKeySigner::from_bytes(&keccak256(format!("zamm-e2e-user-{i}")))
                .expect("valid key")
        });
        let mut wallet = EthereumWallet::new(deployer_signer);
        for s in &users {
            wallet.register_signer(s.clone());
        }
        let p = ProviderBuilder::new()
            .wallet(wallet)
            .connect_http(url.parse().expect("url"))
            .erased();
        let users = users.map(|s| s.address());
        Chain {
            node,
            shared,
            p,
            url,
            deployer,
            users,
        }
    }
}

/// One test environment: its own chain (unless `RPC_URL` is set), a fresh zAMM, funded accounts.
pub struct Env {
    _node: Option<stylus_devnode::DevnodeHandle>,
    _shared: Option<MutexGuard<'static, ()>>,
    pub p: DynProvider,
    pub url: String,
    pub zamm: ZAMM::ZAMMInstance<DynProvider>,
    pub addr: Address,
    /// Deployer = tx.origin of the deployment = zAMM's feeToSetter.
    pub deployer: Address,
    pub alice: Address,
    pub bob: Address,
    pub carol: Address,
    pub deployment: Deployment,
}

impl Env {
    /// Starts a devnode (or connects to `RPC_URL`), deploys zAMM and funds alice/bob/carol.
    pub async fn new() -> Env {
        let Chain {
            node,
            shared,
            p,
            url,
            deployer,
            users,
        } = Chain::connect().await;
        let deployment = deploy::deploy(&p, deployer, program_code(), None, &mut |_| {})
            .await
            .unwrap_or_else(|e| panic!("deploy failed: {e}"));
        let zamm = ZAMM::new(deployment.address, p.clone());
        let env = Env {
            _node: node,
            _shared: shared,
            p,
            url,
            addr: deployment.address,
            zamm,
            deployer,
            alice: users[0],
            bob: users[1],
            carol: users[2],
            deployment,
        };
        // Top up each user to FUND_WEI (default 100 ETH); on a shared node they keep their ETH.
        let fund = std::env::var("FUND_WEI")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(e18(100));
        for who in env.users() {
            let have = env.eth(who).await;
            if have < fund {
                env.send_eth(env.deployer, who, fund - have)
                    .await
                    .expect("funding");
            }
        }
        env
    }

    pub fn users(&self) -> [Address; 3] {
        [self.alice, self.bob, self.carol]
    }

    /// Simulates `call` (for its return value and revert data), then sends it and waits.
    pub async fn exec<C: SolCall>(
        &self,
        from: Address,
        to: Address,
        call: C,
        value: U256,
    ) -> Result<(C::Return, TransactionReceipt), Revert> {
        let req = TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_value(value)
            .with_input(call.abi_encode());
        let out = self
            .p
            .call(req.clone())
            .await
            .map_err(|e| revert_of(e, C::SIGNATURE))?;
        let ret = C::abi_decode_returns(&out)
            .unwrap_or_else(|e| panic!("{}: bad return data: {e}", C::SIGNATURE));
        let receipt = self.send_req(req).await?;
        Ok((ret, receipt))
    }

    /// `exec` against zAMM with no value.
    pub async fn tx<C: SolCall>(
        &self,
        from: Address,
        call: C,
    ) -> Result<(C::Return, TransactionReceipt), Revert> {
        self.exec(from, self.addr, call, U256::ZERO).await
    }

    /// `exec` against zAMM with `value` wei.
    pub async fn tx_value<C: SolCall>(
        &self,
        from: Address,
        call: C,
        value: U256,
    ) -> Result<(C::Return, TransactionReceipt), Revert> {
        self.exec(from, self.addr, call, value).await
    }

    /// Sends raw calldata (no simulation); an unsuccessful receipt maps to an empty `Revert`.
    pub async fn send_raw(
        &self,
        from: Address,
        to: Address,
        data: Bytes,
        value: U256,
    ) -> Result<TransactionReceipt, Revert> {
        let req = TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_value(value)
            .with_input(data);
        self.send_req(req).await
    }

    /// eth_call of raw calldata from `from`; returns output or revert data.
    pub async fn call_raw(
        &self,
        from: Address,
        to: Address,
        data: Bytes,
        value: U256,
    ) -> Result<Bytes, Revert> {
        let req = TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_value(value)
            .with_input(data);
        self.p.call(req).await.map_err(|e| revert_of(e, "eth_call"))
    }

    /// Read-only call (panics on revert).
    pub async fn view<C: SolCall>(&self, to: Address, call: C) -> C::Return {
        let out = self
            .call_raw(Address::ZERO, to, call.abi_encode().into(), U256::ZERO)
            .await;
        let out = out.unwrap_or_else(|r| panic!("{} reverted: {r:?}", C::SIGNATURE));
        C::abi_decode_returns(&out)
            .unwrap_or_else(|e| panic!("{}: bad return data: {e}", C::SIGNATURE))
    }

    pub async fn send_eth(
        &self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<TransactionReceipt, Revert> {
        self.send_raw(from, to, Bytes::new(), value).await
    }

    async fn send_req(&self, req: TransactionRequest) -> Result<TransactionReceipt, Revert> {
        let gas = match self.p.estimate_gas(req.clone()).await {
            Ok(g) => g + g / 4 + 50_000,
            Err(e) => return Err(revert_of(e, "eth_estimateGas")),
        };
        let pending = self
            .p
            .send_transaction(req.with_gas_limit(gas))
            .await
            .expect("eth_sendRawTransaction");
        let receipt = pending.get_receipt().await.expect("receipt");
        if receipt.status() {
            Ok(receipt)
        } else {
            Err(Revert(Bytes::new()))
        }
    }

    // ---- chain state -------------------------------------------------------------------------

    pub async fn eth(&self, who: Address) -> U256 {
        self.p.get_balance(who).await.expect("eth_getBalance")
    }

    pub async fn erc20(&self, token: Address, who: Address) -> U256 {
        self.view(token, MockERC20::balanceOfCall(who)).await
    }

    /// zAMM ERC-6909 balance.
    pub async fn bal(&self, owner: Address, id: U256) -> U256 {
        self.view(self.addr, ZAMM::balanceOfCall { owner, id })
            .await
    }

    pub async fn pool(&self, key: &PoolKey) -> ZAMM::poolsReturn {
        self.view(
            self.addr,
            ZAMM::poolsCall {
                poolId: pool_id(key),
            },
        )
        .await
    }

    /// (reserve0, reserve1) as U256.
    pub async fn reserves(&self, key: &PoolKey) -> (U256, U256) {
        let p = self.pool(key).await;
        (U256::from(p.reserve0), U256::from(p.reserve1))
    }

    /// Raw zAMM storage slot (feeToSetter is slot 0, feeTo slot 0x20).
    pub async fn slot(&self, slot: U256) -> U256 {
        self.p
            .get_storage_at(self.addr, slot)
            .await
            .expect("eth_getStorageAt")
    }

    pub async fn timestamp(&self) -> u64 {
        let block = self
            .p
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
            .await
            .expect("block");
        block.expect("latest block").header.timestamp
    }

    /// The next block gets timestamp `ts` (and later blocks continue from there).
    pub async fn set_next_timestamp(&self, ts: u64) {
        let _: serde_json::Value = self
            .p
            .raw_request("evm_setNextBlockTimestamp".into(), (ts,))
            .await
            .expect("evm_setNextBlockTimestamp");
    }

    /// Mines an empty block (at the time set by `set_next_timestamp`, if any).
    pub async fn mine(&self) {
        let _: serde_json::Value = self
            .p
            .raw_request("evm_mine".into(), ())
            .await
            .expect("evm_mine");
    }

    /// Moves time forward by `secs` and mines a block so that `latest` reflects it.
    pub async fn warp(&self, secs: u64) {
        let now = self.timestamp().await;
        self.set_next_timestamp(now + secs).await;
        self.mine().await;
    }

    // ---- fixtures ----------------------------------------------------------------------------

    /// A MockERC20 with 1e30 minted to the deployer and every user, each approving zAMM for max.
    pub async fn token(&self, name: &str) -> Address {
        let t = MockERC20::deploy(self.p.clone(), name.into(), name.into())
            .await
            .expect("deploy MockERC20");
        let addr = *t.address();
        for who in [self.deployer, self.alice, self.bob, self.carol] {
            self.exec(
                who,
                addr,
                MockERC20::mintCall {
                    to: who,
                    amount: e18(1_000_000_000_000),
                },
                U256::ZERO,
            )
            .await
            .expect("mint");
            self.approve20(addr, who, self.addr).await;
        }
        addr
    }

    /// Two tokens, returned in ascending address order.
    pub async fn token_pair(&self) -> (Address, Address) {
        let (a, b) = (self.token("TKA").await, self.token("TKB").await);
        if a < b {
            (a, b)
        } else {
            (b, a)
        }
    }

    pub async fn approve20(&self, token: Address, owner: Address, spender: Address) {
        self.exec(
            owner,
            token,
            MockERC20::approveCall {
                spender,
                amount: U256::MAX,
            },
            U256::ZERO,
        )
        .await
        .expect("approve");
    }

    // ---- zAMM shortcuts ----------------------------------------------------------------------

    /// addLiquidity(key, a0, a1, 0, 0, from, DEADLINE) from `from`, paying `value` wei.
    pub async fn add(
        &self,
        from: Address,
        key: &PoolKey,
        a0: U256,
        a1: U256,
        value: U256,
    ) -> Result<(ZAMM::addLiquidityReturn, TransactionReceipt), Revert> {
        let call = ZAMM::addLiquidityCall {
            poolKey: key.clone(),
            amount0Desired: a0,
            amount1Desired: a1,
            amount0Min: U256::ZERO,
            amount1Min: U256::ZERO,
            to: from,
            deadline: U256::from(DEADLINE),
        };
        self.tx_value(from, call, value).await
    }

    pub async fn swap_in(
        &self,
        from: Address,
        key: &PoolKey,
        amount_in: U256,
        zero_for_one: bool,
        value: U256,
    ) -> Result<(U256, TransactionReceipt), Revert> {
        let call = ZAMM::swapExactInCall {
            poolKey: key.clone(),
            amountIn: amount_in,
            amountOutMin: U256::ZERO,
            zeroForOne: zero_for_one,
            to: from,
            deadline: U256::from(DEADLINE),
        };
        self.tx_value(from, call, value).await
    }

    pub async fn swap_out(
        &self,
        from: Address,
        key: &PoolKey,
        amount_out: U256,
        amount_in_max: U256,
        zero_for_one: bool,
        value: U256,
    ) -> Result<(U256, TransactionReceipt), Revert> {
        let call = ZAMM::swapExactOutCall {
            poolKey: key.clone(),
            amountOut: amount_out,
            amountInMax: amount_in_max,
            zeroForOne: zero_for_one,
            to: from,
            deadline: U256::from(DEADLINE),
        };
        self.tx_value(from, call, value).await
    }

    pub async fn remove(
        &self,
        from: Address,
        key: &PoolKey,
        liquidity: U256,
        to: Address,
    ) -> Result<(ZAMM::removeLiquidityReturn, TransactionReceipt), Revert> {
        let call = ZAMM::removeLiquidityCall {
            poolKey: key.clone(),
            liquidity,
            amount0Min: U256::ZERO,
            amount1Min: U256::ZERO,
            to,
            deadline: U256::from(DEADLINE),
        };
        self.tx(from, call).await
    }

    /// A fresh ERC-20/ERC-20 pool with `a0`/`a1` deposited by alice; returns the key.
    pub async fn erc20_pool(&self, a0: U256, a1: U256, fee: u64) -> PoolKey {
        let (t0, t1) = self.token_pair().await;
        let key = sorted_key(t0, t1, U256::from(fee));
        self.add(self.alice, &key, a0, a1, U256::ZERO)
            .await
            .expect("seed pool");
        key
    }

    /// A fresh ETH/ERC-20 pool with `eth`/`tok` deposited by alice; returns the key.
    pub async fn eth_pool(&self, eth: U256, tok: U256, fee: u64) -> PoolKey {
        let t = self.token("TKE").await;
        let key = eth_key(t, U256::from(fee));
        self.add(self.alice, &key, eth, tok, eth)
            .await
            .expect("seed ETH pool");
        key
    }
}

/// Serialises the tests of this process on a shared (`RPC_URL`) node; a panicking test must not
/// block the others, so poisoning is ignored.
fn lock_shared_node() -> MutexGuard<'static, ()> {
    static SHARED: Mutex<()> = Mutex::new(());
    SHARED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The deployer key for a remote node: `PRIVATE_KEY`, or the file at `PRIVATE_KEY_PATH`.
fn remote_key() -> String {
    if let Ok(k) = std::env::var("PRIVATE_KEY") {
        return k;
    }
    let path = std::env::var("PRIVATE_KEY_PATH")
        .expect("RPC_URL is set: set PRIVATE_KEY or PRIVATE_KEY_PATH too");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Converts a zAMM `PoolKey` into a fixture binding's own `PoolKey` type (each `sol!` contract
/// generates a distinct struct for the same Solidity tuple).
#[macro_export]
macro_rules! key_as {
    ($module:ident, $key:expr) => {{
        let k = &$key;
        $module::PoolKey {
            id0: k.id0,
            id1: k.id1,
            token0: k.token0,
            token1: k.token1,
            feeOrHook: k.feeOrHook,
        }
    }};
}

/// Wei paid for gas by a receipt (gasUsed × effective gas price).
pub fn gas_cost(r: &TransactionReceipt) -> U256 {
    U256::from(r.gas_used) * U256::from(r.effective_gas_price)
}

/// A `Batcher` step calling `target` with `call` and `value` wei.
pub fn step<C: SolCall>(target: Address, value: U256, call: C) -> Batcher::Call {
    Batcher::Call {
        target,
        value,
        data: call.abi_encode().into(),
    }
}
