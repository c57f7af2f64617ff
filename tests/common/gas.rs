//! The deterministic gas scenario behind `.gas-snapshot` (run by `benches/gas.rs`, checked for
//! staleness by `tests/gas_snapshot.rs`). Every transaction gets its own block, 12 s after the
//! previous one, like the reference measurement (spec 5.2), so the TWAP update always runs. The
//! scenario runs twice, each time on a fresh chain: with the zAMM program uncached, then cached
//! through ArbWasmCache right after deployment (as popular programs are on Arbitrum).

use alloy::primitives::{address, Address, U256};
use alloy::sol_types::SolCall;

use super::*;

pub const SNAPSHOT_FILE: &str = ".gas-snapshot";
/// ArbWasmCache precompile (caching is restricted to the chain owner = the devnode dev account).
pub const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");

alloy::sol! {
    interface IArbWasmInitGas {
        function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
    }
    interface IArbWasmCache {
        function cacheProgram(address addr) external;
        function evictCodehash(bytes32 codehash) external;
        function codehashIsCached(bytes32 codehash) external view returns (bool);
    }
}

/// The measured rows plus the program's per-call entry cost, uncached and cached.
pub struct Snapshot {
    pub rows: Vec<Row>,
    pub call_gas_uncached: u64,
    pub call_gas_cached: u64,
}

impl Snapshot {
    /// Gas a cached program saves on every call into it.
    pub fn saving_per_call(&self) -> u64 {
        self.call_gas_uncached.saturating_sub(self.call_gas_cached)
    }
}

/// One operation: transaction gasUsed with the program uncached and cached (None if it
/// reverted), and the reference figure.
pub struct Row {
    pub op: &'static str,
    pub uncached: Option<u64>,
    pub cached: Option<u64>,
    pub reference: u64,
}

/// One operation measured in one run.
struct Measured {
    op: &'static str,
    gas: Option<u64>,
    reference: u64,
}

struct Run<'a> {
    env: &'a Env,
    rows: Vec<Measured>,
}

impl Run<'_> {
    /// Puts the next transaction in its own block 12 s after the latest one.
    async fn next_block(&self) {
        let latest = self.env.timestamp().await;
        self.env.set_next_timestamp(latest + 12).await;
    }

    /// An unmeasured setup transaction; setup failures abort the scenario.
    async fn setup<C: SolCall>(
        &self,
        from: Address,
        to: Address,
        call: C,
        value: U256,
    ) -> C::Return {
        self.next_block().await;
        let sig = C::SIGNATURE;
        self.env
            .exec(from, to, call, value)
            .await
            .unwrap_or_else(|r| panic!("setup {sig}: {r:?}"))
            .0
    }

    /// A measured transaction; a revert is recorded (gas None) instead of aborting.
    async fn measure<C: SolCall>(
        &mut self,
        op: &'static str,
        reference: u64,
        from: Address,
        to: Address,
        call: C,
        value: U256,
    ) -> Option<C::Return> {
        self.next_block().await;
        let res = self.env.exec(from, to, call, value).await;
        let gas = res.as_ref().ok().map(|(_, r)| r.gas_used);
        self.rows.push(Measured { op, gas, reference });
        res.ok().map(|(ret, _)| ret)
    }
}

fn add(key: &PoolKey, a0: U256, a1: U256, to: Address) -> ZAMM::addLiquidityCall {
    ZAMM::addLiquidityCall {
        poolKey: key.clone(),
        amount0Desired: a0,
        amount1Desired: a1,
        amount0Min: U256::ZERO,
        amount1Min: U256::ZERO,
        to,
        deadline: U256::from(DEADLINE),
    }
}

fn swap_in(
    key: &PoolKey,
    amount_in: U256,
    zero_for_one: bool,
    to: Address,
) -> ZAMM::swapExactInCall {
    ZAMM::swapExactInCall {
        poolKey: key.clone(),
        amountIn: amount_in,
        amountOutMin: U256::ZERO,
        zeroForOne: zero_for_one,
        to,
        deadline: U256::from(DEADLINE),
    }
}

fn swap_out(
    key: &PoolKey,
    amount_out: U256,
    zero_for_one: bool,
    to: Address,
) -> ZAMM::swapExactOutCall {
    ZAMM::swapExactOutCall {
        poolKey: key.clone(),
        amountOut: amount_out,
        amountInMax: U256::MAX,
        zeroForOne: zero_for_one,
        to,
        deadline: U256::from(DEADLINE),
    }
}

fn remove(key: &PoolKey, liquidity: U256, to: Address) -> ZAMM::removeLiquidityCall {
    ZAMM::removeLiquidityCall {
        poolKey: key.clone(),
        liquidity,
        amount0Min: U256::ZERO,
        amount1Min: U256::ZERO,
        to,
        deadline: U256::from(DEADLINE),
    }
}

fn order(
    token_in: Address,
    amt_in: U256,
    token_out: Address,
    amt_out: U256,
    partial: bool,
) -> (ZAMM::makeOrderCall, ZAMM::cancelOrderCall) {
    use alloy::primitives::aliases::{U56, U96};
    let (ai, ao, dl) = (U96::from(amt_in), U96::from(amt_out), U56::from(DEADLINE));
    (
        ZAMM::makeOrderCall {
            tokenIn: token_in,
            idIn: U256::ZERO,
            amtIn: ai,
            tokenOut: token_out,
            idOut: U256::ZERO,
            amtOut: ao,
            deadline: dl,
            partialFill: partial,
        },
        ZAMM::cancelOrderCall {
            tokenIn: token_in,
            idIn: U256::ZERO,
            amtIn: ai,
            tokenOut: token_out,
            idOut: U256::ZERO,
            amtOut: ao,
            deadline: dl,
            partialFill: partial,
        },
    )
}

fn fill(maker: Address, o: &ZAMM::makeOrderCall, fill_part: U256) -> ZAMM::fillOrderCall {
    ZAMM::fillOrderCall {
        maker,
        tokenIn: o.tokenIn,
        idIn: o.idIn,
        amtIn: o.amtIn,
        tokenOut: o.tokenOut,
        idOut: o.idOut,
        amtOut: o.amtOut,
        deadline: o.deadline,
        partialFill: o.partialFill,
        fillPart: alloy::primitives::aliases::U96::from(fill_part),
    }
}

/// Runs the fixed scenario on two fresh chains, program uncached and cached, and merges them.
pub async fn scenario() -> Snapshot {
    let (uncached, init) = run_with_cache(false).await;
    let (cached, _) = run_with_cache(true).await;
    let rows = uncached
        .into_iter()
        .zip(cached)
        .map(|(u, c)| {
            assert_eq!(u.op, c.op, "both runs measure the same operations");
            Row {
                op: u.op,
                uncached: u.gas,
                cached: c.gas,
                reference: u.reference,
            }
        })
        .collect();
    Snapshot {
        rows,
        call_gas_uncached: init.gas,
        call_gas_cached: init.gasWhenCached,
    }
}

/// One run on a fresh chain, the program cached or not; also returns its per-call entry costs.
async fn run_with_cache(cached: bool) -> (Vec<Measured>, IArbWasmInitGas::programInitGasReturn) {
    let env = Env::new().await;
    set_cached(&env, cached).await;
    let init = env
        .view(
            deploy::ARB_WASM,
            IArbWasmInitGas::programInitGasCall { program: env.addr },
        )
        .await;
    (operations(&env).await, init)
}

/// Caches zAMM's codehash (the deployer is the devnode's chain owner), or evicts it — a no-op
/// for a program that is not cached — so that both runs send the same transactions and the
/// fixtures get the same addresses (calldata gas depends on them). Checks the resulting flag.
async fn set_cached(env: &Env, cached: bool) {
    let code = env.p.get_code_at(env.addr).await.expect("eth_getCode");
    let codehash = keccak256(&code);
    let sent = if cached {
        let call = IArbWasmCache::cacheProgramCall { addr: env.addr };
        env.exec(env.deployer, ARB_WASM_CACHE, call, U256::ZERO)
            .await
            .map(|_| ())
    } else {
        let call = IArbWasmCache::evictCodehashCall { codehash };
        env.exec(env.deployer, ARB_WASM_CACHE, call, U256::ZERO)
            .await
            .map(|_| ())
    };
    sent.unwrap_or_else(|r| panic!("ArbWasmCache (cached = {cached}): {r:?}"));
    let is_cached = env
        .view(
            ARB_WASM_CACHE,
            IArbWasmCache::codehashIsCachedCall { codehash },
        )
        .await;
    assert_eq!(is_cached, cached, "zAMM cache flag");
}

/// Every measured operation, in order.
async fn operations(env: &Env) -> Vec<Measured> {
    let mut run = Run {
        env,
        rows: Vec::new(),
    };
    run.rows.push(Measured {
        op: "deploy zAMM (CREATE/deployer + activation)",
        gas: Some(env.deployment.gas_used),
        reference: 4_090_209,
    });
    let (z, alice, bob, carol) = (env.addr, env.alice, env.bob, env.carol);
    let (a, b) = (env.token("A").await, env.token("B").await);
    let ea = eth_key(a, u(30));
    let ab = sorted_key(a, b, u(30));
    let a_is_0 = ab.token0 == a;
    let tenth = U256::from(E18 / 10);

    run.measure(
        "addLiquidity first, ETH/ERC20",
        136_186,
        alice,
        z,
        add(&ea, e18(10), e18(40), alice),
        e18(10),
    )
    .await;
    run.measure(
        "addLiquidity first, ERC20/ERC20",
        153_918,
        alice,
        z,
        add(&ab, e18(10), e18(10), alice),
        U256::ZERO,
    )
    .await;
    run.measure(
        "swapExactIn ERC20->ERC20, first swap after creation",
        112_940,
        bob,
        z,
        swap_in(&ab, e18(1), a_is_0, bob),
        U256::ZERO,
    )
    .await;
    run.measure(
        "swapExactIn ERC20->ERC20, steady state",
        78_740,
        bob,
        z,
        swap_in(&ab, e18(1), a_is_0, bob),
        U256::ZERO,
    )
    .await;
    run.setup(carol, z, swap_in(&ea, tenth, true, carol), tenth)
        .await;
    run.measure(
        "swapExactIn ETH->ERC20",
        60_966,
        bob,
        z,
        swap_in(&ea, tenth, true, bob),
        tenth,
    )
    .await;
    run.measure(
        "swapExactIn ERC20->ETH",
        70_235,
        bob,
        z,
        swap_in(&ea, e18(1), false, bob),
        U256::ZERO,
    )
    .await;
    run.measure(
        "swapExactOut ETH->ERC20, ETH refund",
        68_294,
        bob,
        z,
        swap_out(&ea, tenth, true, bob),
        e18(1),
    )
    .await;
    run.measure(
        "swapExactOut ERC20->ERC20",
        79_030,
        bob,
        z,
        swap_out(&ab, tenth, a_is_0, bob),
        U256::ZERO,
    )
    .await;

    let router = *Router::deploy(env.p.clone(), z)
        .await
        .expect("deploy Router")
        .address();
    let single = Router::swapSingleCall {
        key: crate::key_as!(Router, ea),
        amountIn: tenth,
        amountOutMin: U256::ZERO,
        zeroForOne: true,
        to: bob,
    };
    run.measure(
        "router: single exact-in ETH->ERC20",
        70_834,
        bob,
        router,
        single,
        tenth,
    )
    .await;
    let two = Router::swap2Call {
        key1: crate::key_as!(Router, ea),
        key2: crate::key_as!(Router, ab),
        amountIn: tenth,
        amountOutMin: U256::ZERO,
        zeroForOne1: true,
        zeroForOne2: a_is_0,
        to: bob,
    };
    run.measure(
        "router: 2-hop ETH->ERC20->ERC20 via transient credit",
        96_048,
        bob,
        router,
        two,
        tenth,
    )
    .await;

    run.measure(
        "addLiquidity subsequent ETH/ERC20, existing holder",
        80_271,
        alice,
        z,
        add(&ea, e18(1), e18(10), alice),
        e18(1),
    )
    .await;
    run.measure(
        "addLiquidity subsequent ERC20/ERC20, existing holder",
        98_026,
        alice,
        z,
        add(&ab, e18(1), e18(2), alice),
        U256::ZERO,
    )
    .await;
    run.measure(
        "removeLiquidity partial, ETH/ERC20",
        83_639,
        alice,
        z,
        remove(&ea, e18(1), alice),
        U256::ZERO,
    )
    .await;
    run.measure(
        "removeLiquidity partial, ERC20/ERC20",
        92_084,
        alice,
        z,
        remove(&ab, e18(1), alice),
        U256::ZERO,
    )
    .await;

    run.setup(
        env.deployer,
        z,
        ZAMM::setFeeToCall { feeTo: carol },
        U256::ZERO,
    )
    .await;
    run.measure(
        "addLiquidity with feeTo on (kLast 0 -> set)",
        118_258,
        alice,
        z,
        add(&ab, e18(1), e18(2), alice),
        U256::ZERO,
    )
    .await;
    run.setup(bob, z, swap_in(&ab, e18(1), a_is_0, bob), U256::ZERO)
        .await;
    run.measure(
        "removeLiquidity with feeTo on (fee minted to new holder)",
        121_359,
        alice,
        z,
        remove(&ab, e18(1), alice),
        U256::ZERO,
    )
    .await;

    let coin = ZAMM::coinCall {
        creator: alice,
        supply: e18(1_000_000),
        uri: "zamm".into(),
    };
    let coin_id = run
        .measure("coin()", 71_596, alice, z, coin, U256::ZERO)
        .await
        .unwrap_or(U256::from(1));
    let ec = PoolKey {
        id0: U256::ZERO,
        id1: coin_id,
        token0: Address::ZERO,
        token1: z,
        feeOrHook: u(30),
    };
    run.setup(alice, z, add(&ec, e18(10), e18(1000), alice), e18(10))
        .await;
    run.setup(bob, z, swap_in(&ec, tenth, true, bob), tenth)
        .await;
    run.measure(
        "swapExactIn ETH->zAMM coin, existing holder",
        53_462,
        bob,
        z,
        swap_in(&ec, tenth, true, bob),
        tenth,
    )
    .await;
    run.measure(
        "swapExactIn zAMM coin->ETH",
        60_427,
        bob,
        z,
        swap_in(&ec, e18(1), false, bob),
        U256::ZERO,
    )
    .await;
    let transfer = |to| ZAMM::transferCall {
        to,
        id: coin_id,
        amount: e18(1),
    };
    run.measure(
        "ERC-6909 transfer, existing holder",
        34_700,
        alice,
        z,
        transfer(bob),
        U256::ZERO,
    )
    .await;
    run.measure(
        "ERC-6909 transfer, new holder",
        51_800,
        alice,
        z,
        transfer(carol),
        U256::ZERO,
    )
    .await;
    let deposit = ZAMM::depositCall {
        token: a,
        id: U256::ZERO,
        amount: e18(1),
    };
    run.measure("deposit ERC20", 39_890, bob, z, deposit, U256::ZERO)
        .await;

    let (mk, _) = order(a, e18(1), b, e18(2), false);
    run.measure(
        "makeOrder ERC20->ERC20",
        48_307,
        alice,
        z,
        mk.clone(),
        U256::ZERO,
    )
    .await;
    run.measure(
        "fillOrder full ERC20/ERC20",
        63_065,
        bob,
        z,
        fill(alice, &mk, U256::ZERO),
        U256::ZERO,
    )
    .await;
    let (mk, cancel) = order(Address::ZERO, e18(2), b, e18(4), true);
    run.measure(
        "makeOrder ETH escrow, partial",
        48_068,
        alice,
        z,
        mk.clone(),
        e18(2),
    )
    .await;
    run.measure(
        "fillOrder partial, ETH out",
        57_134,
        bob,
        z,
        fill(alice, &mk, e18(1)),
        U256::ZERO,
    )
    .await;
    run.measure(
        "cancelOrder partial, ETH refund",
        32_894,
        alice,
        z,
        cancel,
        U256::ZERO,
    )
    .await;

    // Lock in blocks T and T+12; unlock in T+24 and T+36 (each record is due by then).
    let t = env.timestamp().await + 12;
    let lock = |token, value_lock: bool, unlock_time: u64| ZAMM::lockupCall {
        token,
        to: bob,
        id: U256::ZERO,
        amount: if value_lock { e18(1) } else { e18(2) },
        unlockTime: U256::from(unlock_time),
    };
    run.measure(
        "lockup ERC20",
        65_509,
        alice,
        z,
        lock(a, false, t + 12),
        U256::ZERO,
    )
    .await;
    run.measure(
        "lockup ETH",
        47_785,
        alice,
        z,
        lock(Address::ZERO, true, t + 24),
        e18(1),
    )
    .await;
    let unlock = |l: ZAMM::lockupCall| ZAMM::unlockCall {
        token: l.token,
        to: l.to,
        id: l.id,
        amount: l.amount,
        unlockTime: l.unlockTime,
    };
    run.measure(
        "unlock ERC20",
        39_119,
        bob,
        z,
        unlock(lock(a, false, t + 12)),
        U256::ZERO,
    )
    .await;
    run.measure(
        "unlock ETH",
        33_186,
        bob,
        z,
        unlock(lock(Address::ZERO, true, t + 24)),
        U256::ZERO,
    )
    .await;
    run.rows
}

/// `gas` relative to `reference`, e.g. `+12.3%`.
fn diff(gas: u64, reference: u64) -> String {
    format!(
        "{:+.1}%",
        (gas as f64 - reference as f64) * 100.0 / reference as f64
    )
}

fn figure(gas: Option<u64>) -> String {
    gas.map_or("REVERT".to_string(), |g| g.to_string())
}

/// The `.gas-snapshot` text.
pub fn render(snap: &Snapshot) -> String {
    let mut s = String::from(
        "# zAMM Stylus port: transaction gasUsed per operation (21k intrinsic included), measured on\n\
         # the in-process stylus-devnode with every tx in its own block 12 s apart.\n\
         # uncached = zAMM program not in the Stylus program cache (fresh chain);\n\
         # cached   = same scenario on another fresh chain after ArbWasmCache.cacheProgram(zAMM),\n\
         #            as popular programs are on Arbitrum (CacheManager): the like-for-like case.\n\
         # reference = Solidity zAMM in a Prague EVM (spec 5.2); diff = cached vs reference.\n\
         # Regenerate with: cargo bench --bench gas\n",
    );
    s += &format!(
        "# Per call into zAMM the program costs {} gas uncached, {} cached (ArbWasm.programInitGas):\n\
         # caching saves {} gas per call (2 calls in the router 2-hop, none for the deployment).\n",
        snap.call_gas_uncached,
        snap.call_gas_cached,
        snap.saving_per_call()
    );
    s += &format!(
        "{:<58} {:>9} {:>9} {:>9} {:>8}\n",
        "operation", "uncached", "cached", "reference", "diff"
    );
    for r in &snap.rows {
        let d = r.cached.map_or("-".to_string(), |g| diff(g, r.reference));
        s += &format!(
            "{:<58} {:>9} {:>9} {:>9} {:>8}\n",
            r.op,
            figure(r.uncached),
            figure(r.cached),
            r.reference,
            d
        );
    }
    s
}
