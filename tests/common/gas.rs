//! The deterministic gas scenario behind `.gas-snapshot` (run by `benches/gas.rs`, checked for
//! staleness by `tests/gas_snapshot.rs`). Every transaction gets its own block, 12 s after the
//! previous one, like the reference measurement (spec 5.2), so the TWAP update always runs.

use alloy::primitives::{Address, U256};
use alloy::sol_types::SolCall;

use super::*;

pub const SNAPSHOT_FILE: &str = ".gas-snapshot";

alloy::sol! {
    interface IArbWasmInitGas {
        function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
    }
}

/// The measured rows plus the program's per-call overhead, uncached and cached.
pub struct Snapshot {
    pub rows: Vec<Row>,
    pub call_gas_uncached: u64,
    pub call_gas_cached: u64,
}

/// One measured operation: transaction gasUsed (None if it reverted) and the reference figure.
pub struct Row {
    pub op: &'static str,
    pub gas: Option<u64>,
    pub reference: u64,
}

struct Run<'a> {
    env: &'a Env,
    rows: Vec<Row>,
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
        self.rows.push(Row { op, gas, reference });
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

/// Runs the fixed scenario on `env` (a fresh chain).
pub async fn scenario(env: &Env) -> Snapshot {
    let init = env
        .view(
            deploy::ARB_WASM,
            IArbWasmInitGas::programInitGasCall { program: env.addr },
        )
        .await;
    Snapshot {
        rows: operations(env).await,
        call_gas_uncached: init.gas,
        call_gas_cached: init.gasWhenCached,
    }
}

/// Every measured operation, in order.
async fn operations(env: &Env) -> Vec<Row> {
    let mut run = Run {
        env,
        rows: Vec::new(),
    };
    run.rows.push(Row {
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

/// The `.gas-snapshot` text.
pub fn render(snap: &Snapshot) -> String {
    let mut s = String::from(
        "# zAMM Stylus port: transaction gasUsed per operation (21k intrinsic included).\n\
         # In-process stylus-devnode, program UNCACHED (the devnode has no program cache), every tx\n\
         # in its own block 12 s apart. reference = Solidity zAMM in a Prague EVM (spec 5.2).\n\
         # Regenerate with: cargo bench --bench gas\n",
    );
    s += &format!(
        "# Per call into zAMM the program costs {} gas uncached, {} cached (ArbWasm.programInitGas):\n\
         # a cached program would save {} gas per call (2 calls in the router 2-hop).\n",
        snap.call_gas_uncached,
        snap.call_gas_cached,
        snap.call_gas_uncached - snap.call_gas_cached
    );
    s += &format!(
        "{:<58} {:>9} {:>9} {:>8}\n",
        "operation", "stylus", "reference", "diff"
    );
    for r in &snap.rows {
        let (gas, diff) = match r.gas {
            Some(g) => (
                g.to_string(),
                format!(
                    "{:+.1}%",
                    (g as f64 - r.reference as f64) * 100.0 / r.reference as f64
                ),
            ),
            None => ("REVERT".to_string(), "-".to_string()),
        };
        s += &format!("{:<58} {:>9} {:>9} {:>8}\n", r.op, gas, r.reference, diff);
    }
    s
}
