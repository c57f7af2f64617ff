//! ABI parity of the published interface files.
//!
//! 1. `abi/IZAMM.sol` is exactly the contract's `cargo stylus export-abi` output (header,
//!    functions, errors, structs) plus one hand-maintained block inside `interface IZAMM` that
//!    declares what export-abi omits: the events, and structs used only as inputs (`PoolKey`,
//!    checked against the Rust type).
//! 2. `abi/IZAMM.json` is the JSON ABI that `abi/IZAMM.sol` parses to (built here, no solc).
//! 3. `abi/IZAMM.json` has every function, event and error of the Solidity zAMM
//!    (`abi/reference/zamm-abi.json`) with the same signature, mutability, indexed flags and
//!    output types, and nothing else.
//!
//! Regenerate 1 and 2 after changing the public surface: `UPDATE_ABI=1 cargo test --test abi`
//! (the hand-maintained block of the existing `abi/IZAMM.sol` is kept).

use std::{collections::BTreeSet, fs, path::PathBuf, process::Command, sync::OnceLock};

use alloy::{
    dyn_abi::Specifier,
    json_abi::{AbiItem, Event, EventParam, InternalType, JsonAbi, Param},
};

const REGENERATE: &str = "UPDATE_ABI=1 cargo test --test abi";
const SOL_FILE: &str = "abi/IZAMM.sol";
const JSON_FILE: &str = "abi/IZAMM.json";
const REFERENCE_FILE: &str = "abi/reference/zamm-abi.json";

/// First and last line of the hand-maintained block inside `interface IZAMM`.
const HAND_BEGIN: &str =
    "    // BEGIN hand-maintained: events and input-only structs (export-abi omits them)\n";
const HAND_END: &str = "    // END hand-maintained\n";

/// Errors the port declares beyond the reference: Solidity's built-in `Panic(uint256)`, which
/// the port raises explicitly where solc's checked arithmetic would.
const EXTRA_ERRORS: &[&str] = &["Panic(uint256)"];

fn path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn read(relative: &str) -> String {
    fs::read_to_string(path(relative)).unwrap_or_default()
}

/// What `cargo stylus export-abi` prints: it runs exactly this command.
fn export_abi() -> String {
    let out = Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "--quiet",
            "-p",
            "zamm",
            "--features",
            "export-abi",
            "--",
            "abi",
        ])
        .output()
        .expect("cannot run cargo");
    assert!(
        out.status.success(),
        "`cargo run -p zamm --features export-abi -- abi` failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("export-abi printed non-UTF-8")
}

/// Splits `IZAMM.sol` into the export-abi part and the hand-maintained block.
fn split_hand_block(sol: &str) -> Option<(String, &str)> {
    let begin = sol.find(&format!("\n{HAND_BEGIN}"))?;
    let end = sol[begin..].find(HAND_END)? + begin + HAND_END.len();
    Some((
        format!("{}{}", &sol[..begin], &sol[end..]),
        &sol[begin..end],
    ))
}

/// Puts the hand-maintained block before the closing brace of `interface IZAMM`.
fn insert_hand_block(export: &str, block: &str) -> String {
    let start = export
        .find("interface IZAMM")
        .expect("export-abi printed no `interface IZAMM`");
    let close = export[start..]
        .find("\n}\n")
        .expect("`interface IZAMM` is not closed")
        + start
        + 1;
    format!("{}{}{}", &export[..close], block, &export[close..])
}

/// Joins each declaration onto one line (structs may span lines) and drops comments.
fn declarations(sol: &str) -> Vec<String> {
    let mut decls = Vec::new();
    let mut open: Option<String> = None;
    for line in sol.lines().map(str::trim) {
        if line.is_empty()
            || line.starts_with("//")
            || line.starts_with("/*")
            || line.starts_with('*')
        {
            continue;
        }
        if let Some(mut acc) = open.take() {
            acc.push_str(line);
            if line.contains('}') {
                decls.push(acc);
            } else {
                open = Some(acc);
            }
        } else if line.starts_with("struct ") && !line.contains('}') {
            open = Some(line.to_string());
        } else if ["function ", "event ", "error ", "struct "]
            .iter()
            .any(|k| line.starts_with(k))
        {
            decls.push(line.to_string());
        }
    }
    decls
}

/// `struct Name {type a; type b;}` -> (Name, fields).
fn parse_struct(decl: &str) -> (String, Vec<Param>) {
    let (head, body) = decl.split_once('{').expect("struct without body");
    let name = head.trim_start_matches("struct").trim().to_string();
    let fields = body
        .trim_end_matches('}')
        .split(';')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(|f| Param::parse(f).unwrap_or_else(|e| panic!("struct {name}: field `{f}`: {e}")))
        .collect();
    (name, fields)
}

/// Replaces a struct type name (`PoolKey`, `PoolKey[]`) by its tuple and sets `internalType`
/// like solc's JSON (`struct PoolKey`, or the type itself).
fn resolve_type(
    structs: &[(String, Vec<Param>)],
    ty: &mut String,
    components: &mut Vec<Param>,
    internal: &mut Option<InternalType>,
) {
    let (stem, dims) = ty.split_at(ty.find('[').unwrap_or(ty.len()));
    match structs.iter().find(|(name, _)| name == stem) {
        Some((name, fields)) => {
            *internal = Some(InternalType::Struct {
                contract: None,
                ty: format!("{name}{dims}"),
            });
            *components = fields.clone();
            *ty = format!("tuple{dims}");
        }
        None => {
            *internal = Some(InternalType::Other {
                contract: None,
                ty: ty.clone(),
            })
        }
    }
    for c in components.iter_mut() {
        resolve_param(structs, c);
    }
}

fn resolve_param(structs: &[(String, Vec<Param>)], p: &mut Param) {
    resolve_type(structs, &mut p.ty, &mut p.components, &mut p.internal_type);
    if let Err(e) = p.resolve() {
        panic!("unknown type `{}`: {e}", p.ty);
    }
}

fn resolve_event_param(structs: &[(String, Vec<Param>)], p: &mut EventParam) {
    resolve_type(structs, &mut p.ty, &mut p.components, &mut p.internal_type);
    if let Err(e) = p.resolve() {
        panic!("unknown type `{}`: {e}", p.ty);
    }
}

/// Parses the interface file (as export-abi writes it) into a JSON ABI. All interfaces of the
/// file are merged (IZAMM inherits the trait interfaces); identical errors/events declared in
/// several interfaces appear once.
fn parse_sol(sol: &str) -> JsonAbi {
    let decls = declarations(sol);
    let structs: Vec<_> = decls
        .iter()
        .filter(|d| d.starts_with("struct "))
        .map(|d| parse_struct(d))
        .collect();
    let mut abi = JsonAbi::new();
    for decl in decls.iter().filter(|d| !d.starts_with("struct ")) {
        let text = decl.trim_end_matches(';');
        match AbiItem::parse(text).unwrap_or_else(|e| panic!("{SOL_FILE}: `{text}`: {e}")) {
            AbiItem::Function(f) => {
                let mut f = f.into_owned();
                f.inputs
                    .iter_mut()
                    .chain(&mut f.outputs)
                    .for_each(|p| resolve_param(&structs, p));
                let same = abi.functions.entry(f.name.clone()).or_default();
                assert!(
                    !same.iter().any(|g| g.signature() == f.signature()),
                    "{SOL_FILE}: function {} declared twice",
                    f.signature()
                );
                same.push(f);
            }
            AbiItem::Event(e) => {
                let mut e = e.into_owned();
                e.inputs
                    .iter_mut()
                    .for_each(|p| resolve_event_param(&structs, p));
                let same = abi.events.entry(e.name.clone()).or_default();
                if !same.contains(&e) {
                    same.push(e);
                }
            }
            AbiItem::Error(e) => {
                let mut e = e.into_owned();
                e.inputs.iter_mut().for_each(|p| resolve_param(&structs, p));
                let same = abi.errors.entry(e.name.clone()).or_default();
                if !same.contains(&e) {
                    same.push(e);
                }
            }
            other => panic!("{SOL_FILE}: unexpected {}", other.debug_name()),
        }
    }
    abi
}

fn to_json(abi: &JsonAbi) -> String {
    serde_json::to_string_pretty(abi).expect("serialize JSON ABI") + "\n"
}

/// The checked-in files, regenerated first when `UPDATE_ABI` is set (once per test run).
fn abi_files() -> &'static (String, String) {
    static FILES: OnceLock<(String, String)> = OnceLock::new();
    FILES.get_or_init(|| {
        if std::env::var_os("UPDATE_ABI").is_some() {
            let old = read(SOL_FILE);
            let block = match split_hand_block(&old) {
                Some((_, block)) => block.to_string(),
                None if old.is_empty() => format!("\n{HAND_BEGIN}{HAND_END}"),
                None => panic!("{SOL_FILE}: hand-maintained block not found; not overwriting"),
            };
            let sol = insert_hand_block(&export_abi(), &block);
            fs::write(path(SOL_FILE), &sol).expect("write IZAMM.sol");
            fs::write(path(JSON_FILE), to_json(&parse_sol(&sol))).expect("write IZAMM.json");
            eprintln!("regenerated {SOL_FILE} and {JSON_FILE}");
        }
        (read(SOL_FILE), read(JSON_FILE))
    })
}

/// First differing line of two texts, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    let (mut e, mut a) = (expected.lines(), actual.lines());
    for n in 1.. {
        match (e.next(), a.next()) {
            (None, None) => break,
            (x, y) if x != y => {
                return format!("line {n}:\n  expected: {x:?}\n  file:     {y:?}");
            }
            _ => {}
        }
    }
    String::new()
}

#[test]
fn sol_file_is_export_abi_plus_events() {
    let (sol, _) = abi_files();
    let (generated, _) = split_hand_block(sol).unwrap_or_else(|| {
        panic!("{SOL_FILE} lacks the hand-maintained block ({HAND_BEGIN:?}); run {REGENERATE}")
    });
    let export = export_abi();
    assert!(
        generated == export,
        "{SOL_FILE} differs from the contract's export-abi output at {}\nrun: {REGENERATE}",
        first_difference(&export, &generated)
    );
}

#[test]
fn json_file_is_parsed_sol_file() {
    let (sol, json) = abi_files();
    let expected = to_json(&parse_sol(sol));
    assert!(
        *json == expected,
        "{JSON_FILE} is not what {SOL_FILE} parses to, at {}\nrun: {REGENERATE}",
        first_difference(&expected, json)
    );
}

#[test]
fn declared_structs_match_the_contract() {
    use alloy::sol_types::SolStruct;
    let (sol, _) = abi_files();
    let declared: Vec<_> = declarations(sol)
        .iter()
        .filter(|d| d.starts_with("struct "))
        .map(|d| parse_struct(d))
        .collect();
    // Every struct of the contract's public surface, as its EIP-712 type string.
    let contract = [zamm::PoolKey::eip712_encode_type().into_owned()];
    for expected in &contract {
        let name = &expected[..expected.find('(').unwrap_or(expected.len())];
        let fields = declared
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, f)| f)
            .next();
        let fields = fields.unwrap_or_else(|| panic!("{SOL_FILE} does not declare {name}"));
        let text: Vec<_> = fields
            .iter()
            .map(|f| format!("{} {}", f.ty, f.name))
            .collect();
        assert_eq!(
            format!("{name}({})", text.join(",")),
            *expected,
            "{SOL_FILE}: struct {name} differs from the contract's"
        );
    }
}

/// Canonical output types of a function (names are not part of the ABI).
fn output_types(outputs: &[Param]) -> Vec<String> {
    outputs
        .iter()
        .map(Param::selector_type)
        .map(|t| t.into_owned())
        .collect()
}

#[test]
fn json_file_matches_reference_abi() {
    let (_, json) = abi_files();
    let ours: JsonAbi = serde_json::from_str(json).expect("abi/IZAMM.json is not a JSON ABI");
    let reference: JsonAbi =
        serde_json::from_str(&read(REFERENCE_FILE)).expect("reference ABI missing or invalid");
    let mut problems = Vec::new();
    let mut renamed = Vec::new();

    let our_fns: Vec<_> = ours.functions().collect();
    for want in reference.functions() {
        let sig = want.signature();
        let Some(f) = our_fns.iter().find(|f| f.signature() == sig) else {
            problems.push(format!("missing function {sig}"));
            continue;
        };
        if f.state_mutability != want.state_mutability {
            problems.push(format!(
                "{sig}: mutability {:?}, reference {:?}",
                f.state_mutability, want.state_mutability
            ));
        }
        if output_types(&f.outputs) != output_types(&want.outputs) {
            problems.push(format!(
                "{sig}: returns ({}), reference ({})",
                output_types(&f.outputs).join(","),
                output_types(&want.outputs).join(",")
            ));
        }
        let names = |ps: &[Param]| ps.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
        if names(&f.inputs) != names(&want.inputs) {
            renamed.push(format!("{}({})", f.name, names(&f.inputs).join(", ")));
        }
    }
    let ref_fns: BTreeSet<_> = reference.functions().map(|f| f.signature()).collect();
    for f in &our_fns {
        if !ref_fns.contains(&f.signature()) {
            problems.push(format!(
                "extra function {} (not in the reference)",
                f.signature()
            ));
        }
    }

    let our_events: Vec<_> = ours.events().collect();
    for want in reference.events() {
        let sig = want.signature();
        let Some(e) = our_events.iter().find(|e| e.signature() == sig) else {
            problems.push(format!("missing event {sig}"));
            continue;
        };
        let flags = |e: &Event| e.inputs.iter().map(|p| p.indexed).collect::<Vec<_>>();
        if flags(e) != flags(want) || e.anonymous != want.anonymous {
            problems.push(format!(
                "event {sig}: indexed {:?} anonymous {}, reference indexed {:?} anonymous {}",
                flags(e),
                e.anonymous,
                flags(want),
                want.anonymous
            ));
        }
    }
    let ref_events: BTreeSet<_> = reference.events().map(|e| e.signature()).collect();
    for e in &our_events {
        if !ref_events.contains(&e.signature()) {
            problems.push(format!(
                "extra event {} (not in the reference)",
                e.signature()
            ));
        }
    }

    let our_errors: BTreeSet<_> = ours.errors().map(|e| e.signature()).collect();
    let ref_errors: BTreeSet<_> = reference.errors().map(|e| e.signature()).collect();
    for sig in ref_errors.difference(&our_errors) {
        problems.push(format!("missing error {sig}"));
    }
    for sig in our_errors.difference(&ref_errors) {
        if !EXTRA_ERRORS.contains(&sig.as_str()) {
            problems.push(format!("extra error {sig} (not in the reference)"));
        }
    }

    if !renamed.is_empty() {
        // Parameter names are not part of the ABI encoding: reported, not enforced.
        eprintln!(
            "note: parameter names differ from the reference in {}",
            renamed.join("; ")
        );
    }
    assert!(
        problems.is_empty(),
        "{JSON_FILE} differs from the Solidity zAMM ABI:\n  {}\n\
         (fix the contract, then run {REGENERATE})",
        problems.join("\n  ")
    );
}
